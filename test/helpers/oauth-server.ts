/**
 * A loopback OAuth 2.1 authorization server and protected resource for the login tests, strict
 * where real providers are: PKCE S256 checked, refresh tokens rotated on every use and the whole
 * family revoked when a spent one comes back (what providers do, and what made concurrent Claude
 * Code sessions lose their logins). `/authorize` approves at once and redirects with `code`,
 * `state` and `iss`. The resource answers GET `/mcp-ish` with 200 for a live access token, 401
 * with a challenge otherwise.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface OAuthServerOptions {
  /** Overrides fields of the authorization server metadata (e.g. a malicious authorization_endpoint). */
  metadata?: Record<string, unknown>;
  accessTtlSeconds?: number;
  /** Called when a token response has been sent (the kill -9 test). */
  onTokenSent?: (grant: string) => void;
  /** A real MCP endpoint: requests to /mcp with a live token are forwarded there (without the token). */
  upstream?: string;
}

interface Family {
  live: string | undefined;
  spent: Set<string>;
  revoked: boolean;
}

export interface OAuthTestServer {
  url: string;
  resourceUrl: string;
  counts: { authorize: number; token: number; refresh: number; register: number; reuse: number };
  /** Issues a token pair directly (as a finished login would have), for seeding the store. */
  issue(ttlSeconds?: number): { accessToken: string; refreshToken: string };
  /** Whether a family was revoked for refresh token reuse. */
  revokedFamilies(): number;
  setMetadata(patch: Record<string, unknown>): void;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

export async function startOAuthServer(options: OAuthServerOptions = {}): Promise<OAuthTestServer> {
  const counts = { authorize: 0, token: 0, refresh: 0, register: 0, reuse: 0 };
  const access = new Map<string, number>(); // token → expiry (ms)
  const families: Family[] = [];
  const byRefresh = new Map<string, Family>();
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  let metadataPatch: Record<string, unknown> = { ...options.metadata };
  const ttl = options.accessTtlSeconds ?? 3600;
  let base = '';

  const json = (res: ServerResponse, status: number, value: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
  function newPair(family: Family, ttlSeconds = ttl) {
    const accessToken = `at-${randomBytes(12).toString('hex')}`;
    const refreshToken = `rt-${randomBytes(12).toString('hex')}`;
    access.set(accessToken, Date.now() + ttlSeconds * 1000);
    if (family.live) family.spent.add(family.live);
    family.live = refreshToken;
    byRefresh.set(refreshToken, family);
    return { accessToken, refreshToken };
  }

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base);
    if (url.pathname === '/.well-known/oauth-protected-resource/mcp') return json(res, 200, { resource: `${base}/mcp`, authorization_servers: [base], scopes_supported: ['mcp'] });
    if (url.pathname === '/.well-known/oauth-authorization-server') {
      return json(res, 200, {
        issuer: base,
        authorization_endpoint: `${base}/authorize`,
        token_endpoint: `${base}/token`,
        registration_endpoint: `${base}/register`,
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none'],
        authorization_response_iss_parameter_supported: true,
        ...metadataPatch,
      });
    }
    if (url.pathname === '/register' && req.method === 'POST') {
      counts.register++;
      const reg = JSON.parse(await body(req)) as { redirect_uris: string[] };
      return json(res, 201, { client_id: `client-${counts.register}`, redirect_uris: reg.redirect_uris, token_endpoint_auth_method: 'none' });
    }
    if (url.pathname === '/authorize') {
      counts.authorize++;
      const code = `code-${randomBytes(8).toString('hex')}`;
      const redirectUri = url.searchParams.get('redirect_uri')!;
      codes.set(code, { challenge: url.searchParams.get('code_challenge') ?? '', redirectUri });
      const target = new URL(redirectUri);
      target.searchParams.set('code', code);
      target.searchParams.set('state', url.searchParams.get('state') ?? '');
      target.searchParams.set('iss', base);
      return res.writeHead(302, { Location: target.href }).end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      counts.token++;
      const form = new URLSearchParams(await body(req));
      const grant = form.get('grant_type') ?? '';
      const sent = (status: number, value: unknown) => {
        res.once('finish', () => options.onTokenSent?.(grant));
        json(res, status, value);
      };
      if (grant === 'authorization_code') {
        const entry = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        if (!entry || createHash('sha256').update(verifier).digest('base64url') !== entry.challenge || entry.redirectUri !== form.get('redirect_uri')) return sent(400, { error: 'invalid_grant' });
        const family: Family = { live: undefined, spent: new Set(), revoked: false };
        families.push(family);
        const pair = newPair(family);
        return sent(200, { access_token: pair.accessToken, token_type: 'Bearer', expires_in: ttl, refresh_token: pair.refreshToken, scope: 'mcp' });
      }
      if (grant === 'refresh_token') {
        counts.refresh++;
        const token = form.get('refresh_token') ?? '';
        const family = byRefresh.get(token);
        if (!family || family.revoked) return sent(400, { error: 'invalid_grant', error_description: 'unknown or revoked refresh token' });
        if (family.live !== token) {
          // Reuse of a rotated refresh token: revoke the family (OAuth 2.1 §4.3.1, RFC 9700 §4.14.2).
          counts.reuse++;
          family.revoked = true;
          return sent(400, { error: 'invalid_grant', error_description: 'refresh token reuse detected; family revoked' });
        }
        const pair = newPair(family);
        return sent(200, { access_token: pair.accessToken, token_type: 'Bearer', expires_in: ttl, refresh_token: pair.refreshToken });
      }
      return sent(400, { error: 'unsupported_grant_type' });
    }
    if (url.pathname === '/mcp') {
      const auth = req.headers.authorization ?? '';
      const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
      const expiry = access.get(token);
      if (expiry !== undefined && expiry > Date.now()) {
        if (!options.upstream) return json(res, 200, { ok: true });
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['authorization', 'host', 'content-length', 'connection'].includes(k)) headers.set(k, v);
        const payload = req.method === 'GET' || req.method === 'DELETE' ? undefined : await body(req);
        const answer = await fetch(options.upstream, { method: req.method, headers, body: payload });
        res.writeHead(answer.status, Object.fromEntries(answer.headers));
        if (!answer.body) return res.end();
        for await (const chunk of answer.body) res.write(chunk);
        return res.end();
      }
      res.writeHead(401, { 'WWW-Authenticate': `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp", scope="mcp"`, 'Content-Type': 'application/json' });
      return res.end('{"error":"invalid_token"}');
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  base = `http://127.0.0.1:${address.port}`;
  return {
    url: base,
    resourceUrl: `${base}/mcp`,
    counts,
    issue(ttlSeconds) {
      const family: Family = { live: undefined, spent: new Set(), revoked: false };
      families.push(family);
      return newPair(family, ttlSeconds);
    },
    revokedFamilies: () => families.filter((f) => f.revoked).length,
    setMetadata(patch) {
      metadataPatch = { ...metadataPatch, ...patch };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
