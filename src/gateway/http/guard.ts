/**
 * The checks every request to the hub's HTTP port passes before any route runs — /mcp, the model
 * proxy under /v1/, /healthz, and whatever is added later (a dashboard under /ui/): server.ts
 * calls `screen` first for every request, whatever its path, and `authenticate` for every route
 * that needs the token.
 *
 * - DNS rebinding: a web page whose name resolves to 127.0.0.1 can reach a local server, so the
 *   Host header must name this server and a browser's Origin must be a loopback one; the spec
 *   requires Origin validation and a 403 (2025-11-25, basic/transports, "Security Warning").
 * - `Origin: null` is refused too: it is what a sandboxed iframe, a `data:` URL or a `file:`
 *   page sends, and any site can create one.
 * - A body must be `application/json`. A page can send `text/plain`, form encodings or a Blob
 *   without a type without a CORS preflight (Fetch standard, "CORS-safelisted request-header"),
 *   so without this rule a page could POST a tool call whose answer it never needs to read.
 *   `application/json` forces the preflight, which only loopback origins pass.
 * - Then the credential (`authenticate`): any local process (or a page that got past the
 *   above) must still present the shared token or a client token (src/auth/client-store.ts),
 *   unless the user started the hub with --no-auth on a loopback address. It names the caller:
 *   `default` for the shared token, the client's name for a client token. All of
 *   authentication is that one function.
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
  /** Per-client tokens (`patchbay clients add`), mapped to client names. */
  clients?: ClientResolver;
}

export interface GuardFailure {
  status: 401 | 403 | 415;
  message: string;
}

/** The request headers the guard reads (node's IncomingHttpHeaders fits). */
export interface GuardHeaders {
  host?: string;
  origin?: string;
  authorization?: string;
  'x-api-key'?: string | string[];
  'content-type'?: string;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
/** Methods whose body the routes read. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export interface Guard {
  /**
   * Every request, every route, before anything else: Host, Origin and the body's media type.
   * A preflight (OPTIONS) is screened too; it carries no body and no credentials.
   */
  screen(method: string | undefined, headers: GuardHeaders): GuardFailure | undefined;
  /**
   * The credential, for routes that need it (Fetch standard: a preflight never carries it); on
   * success, the client it names (`default` for the shared token, and with auth off).
   */
  authenticate(headers: GuardHeaders): GuardFailure | { client: string };
  /** Host and Origin only. */
  checkOrigin(headers: GuardHeaders): GuardFailure | undefined;
  /** `screen` then `authenticate`: what a request to an authenticated route must pass. */
  check(headers: GuardHeaders, method?: string): GuardFailure | undefined;
}

export function createGuard(options: GuardOptions): Guard {
  const hosts = new Set<string>();
  for (const name of LOOPBACK_NAMES) {
    hosts.add(`${name}:${options.port}`);
    hosts.add(name);
  }
  for (const extra of options.allowedHosts ?? []) hosts.add(extra.toLowerCase());
  const token = options.token;

  function checkOrigin(headers: GuardHeaders): GuardFailure | undefined {
    const host = headers.host?.toLowerCase();
    if (host === undefined || !hosts.has(host)) {
      return { status: 403, message: `Host "${headers.host ?? ''}" is not allowed: Patchbay answers only to localhost, 127.0.0.1 and [::1] on port ${options.port} (DNS rebinding protection)` };
    }
    const origin = headers.origin;
    if (origin === 'null') {
      return { status: 403, message: 'Origin "null" is not allowed: it is what sandboxed frames and data: or file: pages send, and any site can make one; only pages served from localhost may call Patchbay' };
    }
    if (origin !== undefined && !isLoopbackOrigin(origin)) {
      return { status: 403, message: `Origin "${origin}" is not allowed: only pages served from localhost may call Patchbay (DNS rebinding protection)` };
    }
    return undefined;
  }

  function screen(method: string | undefined, headers: GuardHeaders): GuardFailure | undefined {
    const refused = checkOrigin(headers);
    if (refused) return refused;
    if (method !== undefined && BODY_METHODS.has(method) && !isJsonMediaType(headers['content-type'])) {
      const sent = headers['content-type'];
      return {
        status: 415,
        message: `Unsupported Media Type: the body must be sent as "Content-Type: application/json"${sent === undefined ? ' (none was given)' : `, not "${sent.slice(0, 100)}"`}`,
      };
    }
    return undefined;
  }

  function authenticate(headers: GuardHeaders): GuardFailure | { client: string } {
    const apiKey = headers['x-api-key'];
    const presented = presentedCredential({ authorization: headers.authorization, 'x-api-key': Array.isArray(apiKey) ? apiKey[0] : apiKey });
    // --no-auth: nothing is required, but a client token still names its client.
    if (token === undefined) return { client: (presented !== undefined ? options.clients?.resolve(presented) : undefined) ?? 'default' };
    if (tokenMatches(presented, token)) return { client: 'default' };
    const client = presented === undefined ? undefined : options.clients?.resolve(presented);
    if (client !== undefined) return { client };
    return {
      status: 401,
      message:
        presented === undefined
          ? 'Missing token: send "Authorization: Bearer <token>"; `patchbay token` prints it'
          : 'Wrong token: `patchbay token` prints the current one, `patchbay clients list` shows the client tokens (a revoked one no longer works)',
    };
  }

  return {
    screen,
    authenticate,
    checkOrigin,
    check: function checkRequest(headers, method) {
      const screened = screen(method, headers);
      if (screened) return screened;
      const admitted = authenticate(headers);
      return 'status' in admitted ? admitted : undefined;
    },
  };
}

/** `application/json`, with any parameters (`; charset=utf-8`), case-insensitive (RFC 9110 §8.3.1). */
export function isJsonMediaType(value: string | undefined): boolean {
  if (value === undefined) return false;
  if (value === 'application/json') return true;
  const semicolon = value.indexOf(';');
  const type = (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  return type === 'application/json';
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
