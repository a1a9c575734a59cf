/**
 * OAuth 2 client credentials (RFC 6749 §4.4): the client id and secret from the environment,
 * sent with HTTP Basic (§2.3.1) to the token URL, the access token cached until shortly before
 * `expires_in` runs out and fetched again after a 401. The token URL is the entry's
 * `--token-url SCHEME=URL`, or the spec's own only when it is on the base URL's origin: a spec
 * (perhaps fetched from the web) must not be able to send the client secret to a host of its
 * choosing.
 */
import { PatchbayError } from '../../../errors.js';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  tokenUrl: URL;
  scopes: string[];
}

export interface TokenSource {
  token(scopes: string[]): Promise<string>;
  /** After a 401: drop the cached token so the next call fetches a new one. */
  invalidate(): void;
  /** Access tokens handed out so far (for redaction). */
  issued(): string[];
}

const EARLY_REFRESH_MS = 30_000;

export function createClientCredentialsSource(credentials: ClientCredentials, options: { fetch?: typeof fetch; timeoutMs?: number } = {}): TokenSource {
  const doFetch = options.fetch ?? fetch;
  const cache = new Map<string, { token: string; expiresAt: number }>();
  const issued: string[] = [];
  let pending = new Map<string, Promise<string>>();
  async function fetchToken(scopes: string[]): Promise<string> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scopes.length > 0) form.set('scope', scopes.join(' '));
    // §2.3.1: id and secret are form-urlencoded before they are joined for Basic.
    const basic = Buffer.from(`${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`).toString('base64');
    const response = await doFetch(credentials.tokenUrl, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form,
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    }).catch((error: unknown) => {
      throw new PatchbayError('UPSTREAM', `token request to ${credentials.tokenUrl.origin} failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      /* reported below */
    }
    if (!response.ok || typeof body.access_token !== 'string') {
      const reason = typeof body.error === 'string' ? `${body.error}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''}` : `HTTP ${response.status}`;
      throw new PatchbayError('UPSTREAM', `the token endpoint ${credentials.tokenUrl.origin}${credentials.tokenUrl.pathname} refused the client credentials (${reason})`, {
        hint: 'Check the client id and secret the entry passes in its env.',
      });
    }
    const lifetime = typeof body.expires_in === 'number' ? body.expires_in * 1000 : 3600_000;
    issued.push(body.access_token);
    cache.set(scopes.join(' '), { token: body.access_token, expiresAt: Date.now() + Math.max(0, lifetime - EARLY_REFRESH_MS) });
    return body.access_token;
  }
  return {
    async token(scopes) {
      const key = [...scopes].sort().join(' ');
      const cached = cache.get(key);
      if (cached && cached.expiresAt > Date.now()) return cached.token;
      let inFlight = pending.get(key);
      if (!inFlight) {
        inFlight = fetchToken([...scopes].sort()).finally(() => pending.delete(key));
        pending.set(key, inFlight);
      }
      return inFlight;
    },
    invalidate() {
      cache.clear();
      pending = new Map();
    },
    issued: () => issued,
  };
}
