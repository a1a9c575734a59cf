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
export const LOG_LEVEL_META_KEY = 'io.modelcontextprotocol/logLevel';

export interface Envelope {
  protocolVersion: string;
  clientCapabilities: Record<string, unknown>;
  /** SEP-2575: the client wants log messages at this level or above; absent, none at all. */
  logLevel?: string;
}

/**
 * Methods a 2026-07-28 request may name (SEP-2575). Anything else — those the revision removed
 * (initialize, ping, logging/setLevel, resources/subscribe, resources/unsubscribe) and unknown
 * ones — is answered 404 with -32601 before it reaches the hub.
 */
export const MODERN_METHODS: ReadonlySet<string> = new Set([
  'server/discover',
  'subscriptions/listen',
  'tools/list',
  'tools/call',
  'prompts/list',
  'prompts/get',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'completion/complete',
]);

/** The server capability a modern method needs (a method of an undeclared capability is not found). */
export const CAPABILITY_OF_METHOD: Readonly<Record<string, string>> = {
  'prompts/list': 'prompts',
  'prompts/get': 'prompts',
  'resources/list': 'resources',
  'resources/templates/list': 'resources',
  'resources/read': 'resources',
  'completion/complete': 'completions',
};

/** RFC 5424 severities as MCP orders them (2025-11-25, server/utilities/logging). */
const LOG_LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

/** Whether a log message at `level` goes to a client that asked for `wanted` (undefined: none). */
export function logWanted(wanted: string | undefined, level: unknown): boolean {
  if (wanted === undefined) return false;
  const w = LOG_LEVELS.indexOf(wanted);
  const l = LOG_LEVELS.indexOf(String(level));
  return w < 0 || l < 0 || l >= w;
}

/** The 2026-07-28 envelope claim of a request, or undefined for a legacy-era message. */
export function readEnvelope(params: Record<string, unknown> | undefined): Envelope | undefined {
  const meta = params?._meta as Record<string, unknown> | undefined;
  if (meta === undefined || typeof meta !== 'object') return undefined;
  const version = meta[PROTOCOL_VERSION_META_KEY];
  if (typeof version !== 'string') return undefined;
  const caps = meta[CLIENT_CAPABILITIES_META_KEY];
  const logLevel = meta[LOG_LEVEL_META_KEY];
  return {
    protocolVersion: version,
    clientCapabilities: typeof caps === 'object' && caps !== null ? (caps as Record<string, unknown>) : {},
    ...(typeof logLevel === 'string' ? { logLevel } : {}),
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
