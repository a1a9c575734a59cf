/**
 * The seam between `web_search` and whatever answers it. A backend is chosen by the server's
 * flags (never by the model) and takes one normalised query; it says how many paid searches
 * the call made and what they cost, so the per-day cap and the cost estimate stay honest.
 */
import { redactKnownSecrets } from '../../secrets/redact/index.js';
import type { Citation, SearchResult } from './anthropic-tool.js';

export type { Citation, SearchResult } from './anthropic-tool.js';

export type Recency = 'day' | 'week' | 'month' | 'year';

export interface SearchQuery {
  query: string;
  maxResults: number;
  includeDomains: string[];
  excludeDomains: string[];
  recency?: Recency;
}

export interface BackendAnswer {
  results: SearchResult[];
  /** Source passages the backend's model cited (Anthropic); absent for plain search APIs. */
  citations?: Citation[];
  /** The backend's own written answer (Anthropic's text), untrusted like the results. */
  answer?: string;
  /** Problems the backend reported beside its results (Anthropic's error codes, a stopped turn). */
  warnings?: string[];
  /** Set when the call failed after paid work was done (so it is still counted and priced). */
  failure?: string;
  /** Paid searches this call made (what the daily cap counts). */
  searches: number;
  /** Estimated USD, searches and tokens; null when part of it has no known price. */
  costUsd: number | null;
}

export interface SearchBackend {
  readonly name: 'anthropic' | 'searxng' | 'brave' | 'tavily';
  /** The most searches one call can make, reserved against the daily cap before it is sent. */
  readonly maxSearchesPerCall: number;
  /** `client`: who called, when the hub runs the server in-process (src/servers/caller.ts); the proxy books usage under it. */
  search(query: SearchQuery, signal?: AbortSignal, client?: string): Promise<BackendAnswer>;
}

/** A backend refused or failed; the message is safe to show (no key in it) and says what to do. */
export class SearchBackendError extends Error {
  override readonly name = 'SearchBackendError';
}

/** `https://docs.python.org/3/x` is in `python.org`; `notpython.org` is not. */
export function hostInDomains(url: string, domains: string[]): boolean {
  let host: string;
  try { host = new URL(url).hostname.toLowerCase(); } catch { return false; }
  return domains.some((d) => {
    const domain = d.toLowerCase().replace(/^\*\./, '').replace(/^www\./, '');
    return host === domain || host.endsWith(`.${domain}`);
  });
}

/**
 * For APIs without domain parameters (SearXNG, Brave): the lists as `site:` operators in the
 * query, and the results filtered by host afterwards, since not every engine honours them.
 */
export function withSiteOperators(query: SearchQuery): string {
  if (query.includeDomains.length > 0) return `${query.query} ${query.includeDomains.map((d) => `site:${d}`).join(' OR ')}`;
  if (query.excludeDomains.length > 0) return `${query.query} ${query.excludeDomains.map((d) => `-site:${d}`).join(' ')}`;
  return query.query;
}

export function filterByDomains(results: SearchResult[], query: SearchQuery): SearchResult[] {
  return results.filter((r) => (query.includeDomains.length === 0 || hostInDomains(r.url, query.includeDomains))
    && !hostInDomains(r.url, query.excludeDomains));
}

/** GET/POST JSON with the errors a user can act on; `secrets` are cut out of any message. */
export async function fetchJson(url: string, init: RequestInit & { backend: string; secrets?: string[]; forbiddenHint?: string }): Promise<any> {
  const { backend, secrets = [], forbiddenHint, ...rest } = init;
  const scrub = (text: string) => redactKnownSecrets(text, secrets);
  let response: Response;
  try {
    response = await fetch(url, rest);
  } catch (error) {
    if (rest.signal?.aborted) throw error;
    const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new SearchBackendError(scrub(`cannot reach ${backend} at ${new URL(url).origin} (${code}); check --base-url`));
  }
  const text = await response.text();
  if (!response.ok) {
    const hint = response.status === 403 && forbiddenHint ? `; ${forbiddenHint}`
      : response.status === 401 || response.status === 403 ? '; check the key the entry passes in --key-env' : response.status === 429 ? '; the backend\'s own rate limit, try later' : '';
    throw new SearchBackendError(scrub(`${backend} answered HTTP ${response.status}: ${text.slice(0, 300)}${hint}`));
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new SearchBackendError(scrub(`${backend} answered something that is not JSON (${text.slice(0, 80)}…)${forbiddenHint ? `; ${forbiddenHint}` : ''}`));
  }
}
