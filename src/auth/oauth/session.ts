/**
 * One remote server's OAuth state in one process: the access token to send, a refresh that runs
 * once however many calls need it (one promise in this process, the token store's lock across
 * processes, the record re-read under the lock), a login under the same lock so three hosts that
 * meet the same 401 make one login, and `wrapFetch`: the fetch the SDK transport uses, which adds
 * the token only to requests for the server's own origin, refreshes on 401, and steps up the
 * scope on 403 `insufficient_scope` at most three times.
 */
import { LoginRequiredError, oauthError, where } from './errors.js';
import { parseBearerChallenge, type Challenge } from './discovery.js';
import { runLogin, type LoginSettings, type UserAgent } from './login.js';
import { recordFrom, requestToken, TokenEndpointError } from './token-endpoint.js';
import type { OAuthTokenRecord, OAuthTokenStore } from './token-store.js';

type Fetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface OAuthSessionOptions {
  server: string;
  serverUrl: string;
  store: OAuthTokenStore;
  settings?: LoginSettings;
  /** How to log in when one is needed; absent: never log in, report LoginRequiredError instead. */
  userAgent?: UserAgent;
  /** Refresh this long before the expiry. Default 60 s. */
  skewMs?: number;
  /** How long to wait for another process's login. Default 5 min. */
  loginWaitMs?: number;
  fetch?: Fetch;
  now?: () => number;
}

export interface OAuthSession {
  readonly server: string;
  /** A usable access token, refreshed when it expires soon; undefined when there is no login. */
  accessToken(): Promise<string | undefined>;
  /** Replaces `stale` (a token the server refused): another process's newer token, else a refresh. */
  refresh(stale: string | undefined): Promise<string | undefined>;
  /** Logs in (under the lock; a login another process finished meanwhile is adopted). */
  login(challenge?: Challenge, extraScope?: string): Promise<OAuthTokenRecord>;
  /** Whether a login exists for this server URL. */
  status(): Promise<{ loggedIn: boolean; expiresAt?: number; issuer?: string; scope?: string; refreshable: boolean }>;
  wrapFetch(base: Fetch): Fetch;
}

export const MAX_STEP_UP = 3;

function sameOrigin(input: string | URL | Request, serverUrl: URL): boolean {
  try {
    const url = new URL(input instanceof Request ? input.url : input);
    return url.origin === serverUrl.origin;
  } catch {
    return false;
  }
}

export function createOAuthSession(options: OAuthSessionOptions): OAuthSession {
  const { server, store } = options;
  const serverUrl = new URL(options.serverUrl);
  const now = options.now ?? Date.now;
  const skewMs = options.skewMs ?? 60_000;
  const settings = options.settings ?? {};
  const fetcher = options.fetch ?? fetch;
  let cached: OAuthTokenRecord | undefined;
  /** Whether this session has read the store yet: only then does `cached` say what its requests used. */
  let loaded = false;
  let refreshing: Promise<string | undefined> | undefined;
  let loggingIn: Promise<OAuthTokenRecord> | undefined;

  /** The stored record, only when it was made for this URL (a re-pointed entry never gets another server's tokens). */
  async function load(): Promise<OAuthTokenRecord | undefined> {
    const record = await store.read(server);
    cached = record && record.serverUrl === serverUrl.href ? record : undefined;
    loaded = true;
    return cached;
  }

  const fresh = (record: OAuthTokenRecord) => record.expiresAt === undefined || record.expiresAt - skewMs > now();

  async function refreshUnderLock(stale: string | undefined): Promise<string | undefined> {
    return store.withLock(server, async () => {
      const record = await load();
      if (!record) return undefined;
      // Someone else (another call, another process) already replaced the refused token.
      if (record.accessToken !== stale && fresh(record)) return record.accessToken;
      if (!record.refreshToken) return undefined;
      let response;
      try {
        response = await requestToken(
          record.tokenEndpoint,
          record.client,
          { grant_type: 'refresh_token', refresh_token: record.refreshToken, resource: record.resource },
          fetcher,
        );
      } catch (error) {
        if (error instanceof TokenEndpointError && (error.error === 'invalid_grant' || error.status === 400 || error.status === 401)) {
          // The refresh token is dead. Under the lock the record is still the one we read, so
          // this deletes no other process's newer login.
          const again = await store.read(server);
          if (again?.refreshToken === record.refreshToken) await store.delete(server);
          cached = undefined;
          return undefined;
        }
        throw error;
      }
      const next = recordFrom(response, { ...record }, now());
      await store.write(server, next);
      cached = next;
      return next.accessToken;
    });
  }

  const session: OAuthSession = {
    server,
    async accessToken() {
      const record = cached && fresh(cached) ? cached : await load();
      if (!record) return undefined;
      if (fresh(record)) return record.accessToken;
      return session.refresh(record.accessToken);
    },
    refresh(stale) {
      refreshing ??= refreshUnderLock(stale).finally(() => (refreshing = undefined));
      return refreshing;
    },
    login(challenge, extraScope) {
      const userAgent = options.userAgent;
      if (!userAgent) return Promise.reject(new LoginRequiredError(server, cached ? 'the login expired' : 'not logged in'));
      const started = now();
      // The token the refused request carried (none, when this session had no login yet).
      const refused = loaded ? { token: cached?.accessToken } : undefined;
      loggingIn ??= store
        .withLock(
          server,
          async () => {
            const record = await load();
            // Another process logged in while we waited for the lock, or finished its login between our
            // 401 and this call (under load that gap is real): use its tokens. An explicit login from a
            // session that never read the store (`patchbay mcp login`) still logs in anew.
            const newer = record !== undefined && (record.obtainedAt >= started || (refused !== undefined && record.accessToken !== refused.token));
            if (record && newer && fresh(record) && !extraScope) return record;
            const next = await runLogin({ server, serverUrl: serverUrl.href, challenge, extraScope: mergeScope(record?.scope, extraScope), settings, previousClient: record?.client, userAgent, fetch: fetcher });
            await store.write(server, next);
            cached = next;
            return next;
          },
          { waitMs: options.loginWaitMs ?? 300_000 },
        )
        .finally(() => (loggingIn = undefined));
      return loggingIn;
    },
    async status() {
      const record = await load();
      return record
        ? { loggedIn: true, expiresAt: record.expiresAt, issuer: record.issuer, scope: record.scope, refreshable: record.refreshToken !== undefined }
        : { loggedIn: false, refreshable: false };
    },
    wrapFetch(base) {
      return async function oauthFetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
        if (!sameOrigin(input, serverUrl)) return base(input, init);
        const send = async (token: string | undefined) => {
          const headers = new Headers(init.headers);
          if (token) headers.set('Authorization', `Bearer ${token}`);
          return base(input, { ...init, headers });
        };
        // At most MAX_STEP_UP logins for one request, the first (on 401) included (MCP 2025-11-25 "Scope Challenge Handling").
        let logins = 0;
        let token = await session.accessToken();
        let response = await send(token);
        if (response.status === 401) {
          const challenge = parseBearerChallenge(response.headers.get('www-authenticate'));
          const replaced = token ? await session.refresh(token) : undefined;
          if (replaced && replaced !== token) {
            await response.body?.cancel();
            token = replaced;
            response = await send(token);
          }
          if (response.status === 401 && options.userAgent) {
            await response.body?.cancel();
            logins++;
            token = (await session.login(challenge)).accessToken;
            response = await send(token);
          }
        }
        for (; logins < MAX_STEP_UP && response.status === 403 && options.userAgent; logins++) {
          const challenge = parseBearerChallenge(response.headers.get('www-authenticate'));
          if (challenge?.params.error !== 'insufficient_scope') break;
          await response.body?.cancel();
          token = (await session.login(challenge, challenge.params.scope)).accessToken;
          response = await send(token);
        }
        return response;
      };
    },
  };
  return session;
}

function mergeScope(a: string | undefined, b: string | undefined): string | undefined {
  if (!b) return undefined;
  const set = new Set([...(a ?? '').split(/\s+/), ...b.split(/\s+/)].filter(Boolean));
  return [...set].join(' ');
}

export { oauthError, where };
