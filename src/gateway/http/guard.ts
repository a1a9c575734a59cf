/**
 * The checks every request to the local HTTP endpoint passes before any MCP logic runs.
 * DNS rebinding: a web page whose name resolves to 127.0.0.1 can reach a local server, so the
 * Host header must name this server and a browser's Origin must be a loopback one; the spec
 * requires Origin validation and a 403 (2025-11-25, basic/transports, "Security Warning").
 * Then the bearer token: any local process (or a page that got past the above) must still
 * present it, unless the user started the gateway with --no-auth on a loopback address.
 */
import type { ClientResolver } from '../../auth/client-store.js';
import { presentedCredential, tokenMatches } from '../../auth/token.js';

export interface GuardOptions {
  /** The port actually bound (after port 0 resolved). */
  port: number;
  /** Extra Host values to accept (hostname or hostname:port), e.g. a LAN name when bound there. */
  allowedHosts?: string[];
  /** The bearer token; undefined when authentication is off. */
  token: string | undefined;
  /** Per-client tokens (src/auth/client-store.ts); the shared token is client `default`. */
  clients?: ClientResolver;
}

export interface GuardFailure {
  status: 401 | 403;
  message: string;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

type GuardedHeaders = { host?: string; origin?: string; authorization?: string; 'x-api-key'?: string | string[] };

export interface Guard {
  check(headers: GuardedHeaders): GuardFailure | undefined;
  /** The same checks; on success, the client the credential names (`default` for the shared token, and with auth off). */
  admit(headers: GuardedHeaders): GuardFailure | { client: string };
  /** Host and Origin only: a CORS preflight carries no credentials (Fetch standard, CORS-preflight request). */
  checkOrigin(headers: { host?: string; origin?: string }): GuardFailure | undefined;
}

export function createGuard(options: GuardOptions): Guard {
  const hosts = new Set<string>();
  for (const name of LOOPBACK_NAMES) {
    hosts.add(`${name}:${options.port}`);
    hosts.add(name);
  }
  for (const extra of options.allowedHosts ?? []) hosts.add(extra.toLowerCase());
  const token = options.token;

  function checkOrigin(headers: { host?: string; origin?: string }): GuardFailure | undefined {
    const host = headers.host?.toLowerCase();
    if (host === undefined || !hosts.has(host)) {
      return { status: 403, message: `Host "${headers.host ?? ''}" is not allowed: Patchbay's gateway answers only to localhost, 127.0.0.1 and [::1] on port ${options.port} (DNS rebinding protection)` };
    }
    const origin = headers.origin;
    if (origin !== undefined && origin !== 'null' && !isLoopbackOrigin(origin)) {
      return { status: 403, message: `Origin "${origin}" is not allowed: only pages served from localhost may call the gateway (DNS rebinding protection)` };
    }
    return undefined;
  }

  function admit(headers: GuardedHeaders): GuardFailure | { client: string } {
    const failure = checkOrigin(headers);
    if (failure) return failure;
    const apiKey = headers['x-api-key'];
    const presented = presentedCredential({ authorization: headers.authorization, 'x-api-key': Array.isArray(apiKey) ? apiKey[0] : apiKey });
    // --no-auth: nothing is required, but a client token still names its client.
    if (token === undefined) return { client: (presented !== undefined ? options.clients?.resolve(presented) : undefined) ?? 'default' };
    if (tokenMatches(presented, token)) return { client: 'default' };
    const client = presented === undefined ? undefined : options.clients?.resolve(presented);
    if (client !== undefined) return { client };
    return {
      status: 401,
      message: presented === undefined
        ? 'Missing token: send "Authorization: Bearer <token>"; `patchbay token` prints it'
        : 'Wrong token: `patchbay token` prints the current one, `patchbay clients list` shows the client tokens (a revoked one no longer works)',
    };
  }

  return {
    checkOrigin,
    admit,
    check: function checkRequest(headers) {
      const result = admit(headers);
      return 'status' in result ? result : undefined;
    },
  };
}

export function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_NAMES.includes(url.hostname);
  } catch {
    return false;
  }
}

/** Whether an address is loopback, which is the only place --no-auth is allowed to listen. */
export function isLoopbackAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}
