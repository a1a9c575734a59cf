/**
 * Protocol revisions and the two eras the gateway serves on one endpoint.
 *
 * Legacy era (2024-11-05 … 2025-11-25): an `initialize` handshake negotiates the version and,
 * over HTTP, creates an `Mcp-Session-Id` session
 * (https://modelcontextprotocol.io/specification/2025-11-25/basic/lifecycle).
 * Modern era (2026-07-28): no handshake and no session; every request carries its version and
 * the client's capabilities in `params._meta` (the envelope), `server/discover` replaces
 * `initialize`, `subscriptions/listen` replaces GET streams and resources/subscribe, and a
 * server that needs input mid-call answers `resultType: "input_required"`.
 */

export const MODERN_VERSION = '2026-07-28';
export const LATEST_LEGACY_VERSION = '2025-11-25';
export const LEGACY_VERSIONS: readonly string[] = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'];
export const ALL_VERSIONS: readonly string[] = [MODERN_VERSION, ...LEGACY_VERSIONS];

export const PROTOCOL_VERSION_META_KEY = 'io.modelcontextprotocol/protocolVersion';
export const CLIENT_CAPABILITIES_META_KEY = 'io.modelcontextprotocol/clientCapabilities';
export const CLIENT_INFO_META_KEY = 'io.modelcontextprotocol/clientInfo';
export const SERVER_INFO_META_KEY = 'io.modelcontextprotocol/serverInfo';
export const SUBSCRIPTION_ID_META_KEY = 'io.modelcontextprotocol/subscriptionId';

export interface Envelope {
  protocolVersion: string;
  clientCapabilities: Record<string, unknown>;
}

/** The 2026-07-28 envelope claim of a request, or undefined for a legacy-era message. */
export function readEnvelope(params: Record<string, unknown> | undefined): Envelope | undefined {
  const meta = params?._meta as Record<string, unknown> | undefined;
  if (meta === undefined || typeof meta !== 'object') return undefined;
  const version = meta[PROTOCOL_VERSION_META_KEY];
  if (typeof version !== 'string') return undefined;
  const caps = meta[CLIENT_CAPABILITIES_META_KEY];
  return {
    protocolVersion: version,
    clientCapabilities: typeof caps === 'object' && caps !== null ? (caps as Record<string, unknown>) : {},
  };
}

/**
 * Params without the envelope keys: the hub speaks to each upstream in that upstream's era and
 * must not forward this client's claims (a legacy server would see a foreign _meta).
 * Everything else in _meta (progressToken, trace context) is kept.
 */
export function stripEnvelope(params: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const meta = params?._meta as Record<string, unknown> | undefined;
  if (params === undefined || meta === undefined) return params;
  let rest: Record<string, unknown> | undefined;
  for (const key in meta) {
    if (key.startsWith('io.modelcontextprotocol/')) continue;
    (rest ??= {})[key] = meta[key];
  }
  const copy: Record<string, unknown> = { ...params };
  if (rest === undefined) delete copy._meta;
  else copy._meta = rest;
  return copy;
}

/** Version the server answers to `initialize`: the client's if supported, else the latest legacy one. */
export function negotiateLegacyVersion(requested: unknown): string {
  return typeof requested === 'string' && LEGACY_VERSIONS.includes(requested) ? requested : LATEST_LEGACY_VERSION;
}
