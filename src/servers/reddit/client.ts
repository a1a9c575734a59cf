/**
 * Talking to Reddit: anonymously through the public JSON endpoints (`/r/NAME/hot.json`), with
 * the Atom feed of the same path when those answer 403 (Reddit blocks many IPs' anonymous JSON
 * but not their feeds), or with the user's app credentials through OAuth (`oauth.reddit.com`,
 * an application-only token from the client credentials grant, or the password grant for a
 * "script" app when a username and password are given). Every request takes a token from the
 * shared rate budget first; answers are cached per listing. Base URLs are options, so tests and
 * mirrors point them at a server of their own.
 *
 * https://github.com/reddit-archive/reddit/wiki/OAuth2 (grants, User-Agent rules),
 * https://support.reddithelp.com/hc/en-us/articles/16160319875092 (rate limits).
 */
import { PatchbayError } from '../../errors.js';
import type { ResponseCache } from './cache.js';
import { parseAtomFeed, type FeedEntry } from './feed.js';
import { RateLimited, type RateBudget } from './rate-budget.js';

export interface RedditCredentials {
  clientId: string;
  clientSecret: string;
  username?: string;
  password?: string;
}

export type Fetched = { kind: 'json'; data: unknown } | { kind: 'feed'; entries: FeedEntry[] };

export interface RedditClientOptions {
  baseUrl: URL;
  oauthBaseUrl: URL;
  userAgent: string;
  credentials?: RedditCredentials;
  budget: RateBudget;
  cache: ResponseCache<Fetched>;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export interface RedditClient {
  get(path: string, query: Record<string, string | undefined>): Promise<Fetched>;
  readonly authenticated: boolean;
  /** Literal secrets, for redaction. */
  secrets(): string[];
}

export function createRedditClient(options: RedditClientOptions): RedditClient {
  const doFetch = options.fetch ?? fetch;
  const headers = { 'user-agent': options.userAgent, accept: 'application/json' };
  let token: { value: string; expires: number } | undefined;
  const tokens: string[] = [];

  async function request(url: URL, init: RequestInit = {}): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      await options.budget.take();
      const response = await doFetch(url, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) }, redirect: 'follow', signal: AbortSignal.timeout(options.timeoutMs) }).catch(
        (error: unknown) => {
          const cause = (error as { cause?: { code?: string } }).cause?.code;
          throw new PatchbayError('UPSTREAM', `could not reach ${url.origin}: ${cause ?? (error instanceof Error ? error.message : String(error))}`);
        },
      );
      options.budget.observe(response.status, response.headers);
      // A 429 blocks the budget for Retry-After; the next take() waits for it if that is short
      // enough, and throws RateLimited (which the tool reports) if not.
      if (response.status === 429 && attempt === 0) {
        await response.body?.cancel();
        continue;
      }
      return response;
    }
  }

  async function accessToken(): Promise<string> {
    if (token && token.expires > Date.now()) return token.value;
    const creds = options.credentials!;
    const form = new URLSearchParams(creds.username && creds.password ? { grant_type: 'password', username: creds.username, password: creds.password } : { grant_type: 'client_credentials' });
    const response = await request(new URL('/api/v1/access_token', options.baseUrl), {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    const body = (await response.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string };
    if (!response.ok || typeof body.access_token !== 'string') {
      throw new PatchbayError('UPSTREAM', `Reddit refused the app credentials (${body.error ?? `HTTP ${response.status}`})`, {
        hint: 'Check REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET (and REDDIT_USERNAME/REDDIT_PASSWORD for a script app) in the entry\'s env.',
      });
    }
    tokens.push(body.access_token);
    token = { value: body.access_token, expires: Date.now() + Math.max(60, (body.expires_in ?? 3600) - 60) * 1000 };
    return token.value;
  }

  function urlFor(base: URL, path: string, suffix: string, query: Record<string, string | undefined>): URL {
    const url = new URL(base.href);
    url.pathname = `${base.pathname.replace(/\/+$/, '')}${path}${suffix}`;
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    return url;
  }

  async function fail(response: Response, path: string): Promise<never> {
    await response.body?.cancel();
    if (response.status === 404) throw new PatchbayError('UPSTREAM', `Reddit has nothing at ${path} (404)`);
    if (response.status === 429) throw new RateLimited(60);
    throw new PatchbayError('UPSTREAM', `Reddit answered HTTP ${response.status} for ${path}`);
  }

  return {
    authenticated: options.credentials !== undefined,
    secrets: () => [...(options.credentials ? [options.credentials.clientSecret, options.credentials.password ?? ''] : []), ...tokens].filter((s) => s.length >= 4),
    async get(path, query) {
      const key = `${path}?${new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined)).toString()}`;
      const cached = options.cache.get(key);
      if (cached) return cached;
      let fetched: Fetched;
      if (options.credentials) {
        let response = await request(urlFor(options.oauthBaseUrl, path, '', { ...query, raw_json: '1' }), { headers: { authorization: `Bearer ${await accessToken()}` } });
        if (response.status === 401) {
          await response.body?.cancel();
          token = undefined;
          response = await request(urlFor(options.oauthBaseUrl, path, '', { ...query, raw_json: '1' }), { headers: { authorization: `Bearer ${await accessToken()}` } });
        }
        if (!response.ok) await fail(response, path);
        fetched = { kind: 'json', data: await response.json() };
      } else {
        const response = await request(urlFor(options.baseUrl, path, '.json', { ...query, raw_json: '1' }));
        if (response.status === 403) {
          await response.body?.cancel();
          const feed = await request(urlFor(options.baseUrl, path, '.rss', query), { headers: { accept: 'application/atom+xml' } });
          if (!feed.ok) await fail(feed, path);
          fetched = { kind: 'feed', entries: parseAtomFeed(await feed.text()) };
        } else {
          if (!response.ok) await fail(response, path);
          fetched = { kind: 'json', data: await response.json() };
        }
      }
      options.cache.set(key, fetched);
      return fetched;
    },
  };
}
