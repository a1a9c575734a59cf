/**
 * The three plain search APIs, one request per call:
 *
 * - SearXNG (https://docs.searxng.org/dev/search_api.html): `GET /search?q=…&format=json`
 *   (`time_range` day/week/month/year); results `url`, `title`, `content`, `publishedDate`.
 *   The instance must list `json` in `search.formats` (otherwise it answers 403). No key.
 * - Brave (https://api-dashboard.search.brave.com/app/documentation/web-search): `GET
 *   /res/v1/web/search?q=…&count=…&freshness=pd|pw|pm|py` with `X-Subscription-Token`; results
 *   under `web.results[]` as `title`, `url`, `description`, `page_age`. `count` is at most 20.
 * - Tavily (https://docs.tavily.com/documentation/api-reference/endpoint/search): `POST
 *   /search` with `Authorization: Bearer tvly-…`, body `query`, `max_results`,
 *   `include_domains`/`exclude_domains`, `time_range`; results `title`, `url`, `content`,
 *   `published_date` (news topic only).
 *
 * SearXNG and Brave take no domain lists: they get `site:` operators and a filter by host.
 */
import {
  fetchJson, filterByDomains, withSiteOperators,
  type BackendAnswer, type SearchBackend, type SearchQuery, type SearchResult,
} from './backend.js';

export interface WebApiOptions {
  baseUrl: string;
  /** Brave and Tavily: the key, read from the variable --key-env names. */
  key?: string;
  /** Estimated USD per 1,000 searches (the plan's price; 0 for your own SearXNG). */
  usdPer1000: number;
}

const BRAVE_FRESHNESS = { day: 'pd', week: 'pw', month: 'pm', year: 'py' } as const;

const base = (url: string) => url.replace(/\/+$/, '');
const priced = (results: SearchResult[], usdPer1000: number): BackendAnswer => ({ results, searches: 1, costUsd: usdPer1000 / 1000 });

export function createSearxngBackend(options: WebApiOptions): SearchBackend {
  return {
    name: 'searxng',
    maxSearchesPerCall: 1,
    async search(query, signal) {
      const params = new URLSearchParams({ q: withSiteOperators(query), format: 'json' });
      if (query.recency) params.set('time_range', query.recency);
      const body = await fetchJson(`${base(options.baseUrl)}/search?${params}`, {
        backend: 'searxng', headers: { accept: 'application/json' }, ...(signal ? { signal } : {}),
        forbiddenHint: 'the instance must allow the json format (search.formats in its settings.yml)',
      });
      const results = (Array.isArray(body?.results) ? body.results : []).map((r: any) => result(r.title, r.url, r.content, r.publishedDate));
      return priced(filterByDomains(results, query).slice(0, query.maxResults), options.usdPer1000);
    },
  };
}

export function createBraveBackend(options: WebApiOptions): SearchBackend {
  const key = required(options.key, 'brave');
  return {
    name: 'brave',
    maxSearchesPerCall: 1,
    async search(query, signal) {
      const params = new URLSearchParams({ q: withSiteOperators(query), count: String(Math.min(query.maxResults, 20)) });
      if (query.recency) params.set('freshness', BRAVE_FRESHNESS[query.recency]);
      const body = await fetchJson(`${base(options.baseUrl)}/res/v1/web/search?${params}`, {
        backend: 'brave', secrets: [key], headers: { accept: 'application/json', 'x-subscription-token': key }, ...(signal ? { signal } : {}),
      });
      const results = (Array.isArray(body?.web?.results) ? body.web.results : []).map((r: any) => result(r.title, r.url, r.description, r.page_age));
      return priced(filterByDomains(results, query).slice(0, query.maxResults), options.usdPer1000);
    },
  };
}

export function createTavilyBackend(options: WebApiOptions): SearchBackend {
  const key = required(options.key, 'tavily');
  return {
    name: 'tavily',
    maxSearchesPerCall: 1,
    async search(query: SearchQuery, signal) {
      const request = {
        query: query.query,
        max_results: Math.min(query.maxResults, 20),
        ...(query.includeDomains.length > 0 ? { include_domains: query.includeDomains } : {}),
        ...(query.excludeDomains.length > 0 ? { exclude_domains: query.excludeDomains } : {}),
        ...(query.recency ? { time_range: query.recency } : {}),
      };
      const body = await fetchJson(`${base(options.baseUrl)}/search`, {
        backend: 'tavily', secrets: [key], method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify(request), ...(signal ? { signal } : {}),
      });
      const results = (Array.isArray(body?.results) ? body.results : []).map((r: any) => result(r.title, r.url, r.content, r.published_date));
      return priced(results.slice(0, query.maxResults), options.usdPer1000);
    },
  };
}

function result(title: unknown, url: unknown, snippet: unknown, published: unknown): SearchResult {
  return { title: String(title ?? ''), url: String(url ?? ''), snippet: String(snippet ?? ''), published: typeof published === 'string' && published ? published : null };
}

function required(key: string | undefined, backend: string): string {
  if (!key) throw new Error(`the ${backend} backend needs its key (internal: checked by the CLI)`);
  return key;
}
