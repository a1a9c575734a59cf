/**
 * Finding who issues tokens for a server (MCP 2025-11-25 basic/authorization):
 * 1. Protected resource metadata (RFC 9728): the `resource_metadata` URL of the 401's
 *    `WWW-Authenticate` challenge, else `/.well-known/oauth-protected-resource/<path>`, else the
 *    root `/.well-known/oauth-protected-resource`. Its `resource` must name this server (same
 *    origin, a path prefix of the server's): a resource server that claims another resource is
 *    refused before anything is sent to its authorization server.
 * 2. Authorization server metadata for its first `authorization_servers` entry, RFC 8414 and
 *    OpenID discovery in the spec's order, `issuer` equal to the URL it was derived from (RFC 8414
 *    §3.3), so metadata cannot redirect the login to endpoints of another issuer.
 * 3. Without protected resource metadata, the 2025-03-26 rules: metadata at the server's origin,
 *    else its /authorize, /token and /register.
 */
import { oauthError, where } from './errors.js';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** The Bearer challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1, RFC 6750 §3). */
export function parseBearerChallenge(header: string | null | undefined): Challenge | undefined {
  if (!header) return undefined;
  const match = /(?:^|,)\s*Bearer(?:\s+|$)/i.exec(header);
  if (!match) return undefined;
  const rest = header.slice(match.index + match[0].length);
  const params: Record<string, string> = {};
  const re = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))\s*(?:,|$)/y;
  let m: RegExpExecArray | null;
  while ((m = re.exec(rest)) !== null && m[0] !== '') {
    params[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
  }
  return { scheme: 'Bearer', params };
}

export interface ResourceMetadata {
  resource: string;
  authorization_servers?: string[];
  scopes_supported?: string[];
}

export interface AuthServerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  registration_endpoint?: string;
  scopes_supported?: string[];
  code_challenge_methods_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  grant_types_supported?: string[];
  client_id_metadata_document_supported?: boolean;
  authorization_response_iss_parameter_supported?: boolean;
}

export interface Discovery {
  /** null: the 2025-03-26 fallback (no protected resource metadata). */
  resourceMetadata: ResourceMetadata | null;
  /** The RFC 8707 resource to ask tokens for. */
  resource: string;
  metadata: AuthServerMetadata;
  /** No metadata document at all: the 2025-03-26 default endpoints. */
  defaultEndpoints: boolean;
}

type Fetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

const MCP_PROTOCOL_VERSION = '2025-11-25';

async function getJson(fetcher: Fetch, url: URL): Promise<unknown | undefined> {
  let response: Response;
  try {
    response = await fetcher(url, { headers: { Accept: 'application/json', 'MCP-Protocol-Version': MCP_PROTOCOL_VERSION }, redirect: 'error' });
  } catch (error) {
    throw oauthError(`cannot reach ${where(url)} (${(error as Error).message})`, 'Check the server URL and your network.', error);
  }
  if (!response.ok) {
    await response.body?.cancel();
    return undefined;
  }
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

/** The server's URL as a resource identifier: no fragment (RFC 8707 §2). */
export function canonicalResource(serverUrl: string): string {
  const u = new URL(serverUrl);
  u.hash = '';
  return u.href;
}

/** Whether metadata for `resource` may serve `serverUrl`: same origin, its path a segment prefix of the server's. */
export function resourceCovers(resource: string, serverUrl: string): boolean {
  let r: URL;
  let s: URL;
  try {
    r = new URL(resource);
    s = new URL(serverUrl);
  } catch {
    return false;
  }
  if (r.origin !== s.origin) return false;
  const rp = r.pathname.endsWith('/') ? r.pathname : `${r.pathname}/`;
  const sp = s.pathname.endsWith('/') ? s.pathname : `${s.pathname}/`;
  return sp.startsWith(rp);
}

function prmCandidates(serverUrl: URL, challenge?: Challenge): URL[] {
  const out: URL[] = [];
  const fromHeader = challenge?.params.resource_metadata;
  if (fromHeader) {
    try {
      const u = new URL(fromHeader);
      // The metadata URL is the resource server's own: another origin could feed us any issuer.
      if (u.origin === serverUrl.origin) out.push(u);
    } catch {
      // ignored: fall back to the well-known locations
    }
  }
  const path = serverUrl.pathname.replace(/\/+$/, '');
  if (path) out.push(new URL(`/.well-known/oauth-protected-resource${path}`, serverUrl.origin));
  out.push(new URL('/.well-known/oauth-protected-resource', serverUrl.origin));
  return out;
}

/** RFC 8414 §3.1 and OpenID Connect Discovery 1.0 §4, in the order of MCP 2025-11-25. */
export function metadataCandidates(issuer: URL): URL[] {
  const path = issuer.pathname.replace(/\/+$/, '');
  if (!path) return [new URL('/.well-known/oauth-authorization-server', issuer.origin), new URL('/.well-known/openid-configuration', issuer.origin)];
  return [
    new URL(`/.well-known/oauth-authorization-server${path}`, issuer.origin),
    new URL(`/.well-known/openid-configuration${path}`, issuer.origin),
    new URL(`${path}/.well-known/openid-configuration`, issuer.origin),
  ];
}

function sameIssuer(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

function isMetadata(value: unknown): value is AuthServerMetadata {
  const v = value as Partial<AuthServerMetadata> | undefined;
  return typeof v === 'object' && v !== null && typeof v.issuer === 'string' && typeof v.authorization_endpoint === 'string' && typeof v.token_endpoint === 'string';
}

export async function discover(serverUrlText: string, challenge: Challenge | undefined, fetcher: Fetch = fetch): Promise<Discovery> {
  const serverUrl = new URL(serverUrlText);
  let prm: ResourceMetadata | undefined;
  for (const candidate of prmCandidates(serverUrl, challenge)) {
    const body = (await getJson(fetcher, candidate)) as ResourceMetadata | undefined;
    if (body && typeof body.resource === 'string') {
      prm = body;
      break;
    }
  }
  if (prm) {
    if (!resourceCovers(prm.resource, serverUrl.href)) {
      throw oauthError(
        `the protected resource metadata of ${where(serverUrl)} is for another resource (${where(prm.resource)}); no login was started`,
        'The server is misconfigured or something between you and it rewrote its metadata. Tell its operator.',
      );
    }
    const issuerText = prm.authorization_servers?.[0];
    if (!issuerText) throw oauthError(`the protected resource metadata of ${where(serverUrl)} names no authorization server`);
    let issuer: URL;
    try {
      issuer = new URL(issuerText);
    } catch {
      throw oauthError(`the protected resource metadata of ${where(serverUrl)} names an invalid authorization server URL`);
    }
    if (issuer.protocol !== 'https:' && !isLoopback(issuer)) {
      throw oauthError(`the authorization server ${where(issuer)} of ${where(serverUrl)} is not https`, 'OAuth 2.1 requires TLS for every endpoint except loopback ones.');
    }
    for (const candidate of metadataCandidates(issuer)) {
      const body = await getJson(fetcher, candidate);
      if (!isMetadata(body)) continue;
      if (!sameIssuer(body.issuer, issuer.href)) {
        throw oauthError(`the authorization server metadata at ${where(candidate)} names issuer ${where(body.issuer)}, not ${where(issuer)}; no login was started`, 'RFC 8414 §3.3: metadata for another issuer must not be used.');
      }
      return { resourceMetadata: prm, resource: prm.resource, metadata: body, defaultEndpoints: false };
    }
    throw oauthError(`no authorization server metadata for ${where(issuer)} (tried ${metadataCandidates(issuer).map(where).join(', ')})`);
  }
  // 2025-03-26: the authorization base URL is the server URL with its path dropped.
  const base = new URL(serverUrl.origin);
  const body = await getJson(fetcher, new URL('/.well-known/oauth-authorization-server', base));
  // The issuer cannot be checked here (the 2025-03-26 rules name none), but its endpoints must be the server's own origin's or https.
  if (isMetadata(body)) return { resourceMetadata: null, resource: canonicalResource(serverUrl.href), metadata: body, defaultEndpoints: false };
  return {
    resourceMetadata: null,
    resource: canonicalResource(serverUrl.href),
    metadata: {
      issuer: base.origin,
      authorization_endpoint: new URL('/authorize', base).href,
      token_endpoint: new URL('/token', base).href,
      registration_endpoint: new URL('/register', base).href,
    },
    defaultEndpoints: true,
  };
}

export function isLoopback(url: URL): boolean {
  return url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
}
