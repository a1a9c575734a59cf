/**
 * `patchbay server search` with SearXNG, Brave and Tavily (loopback fakes in their wire
 * formats), run as child processes: what each is sent, both domain-list forms, keys kept out of
 * errors, the per-day cap (in the SQLite file, so it survives a restart) and the cache.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJsonBody, type FakeUpstream } from '../../fixtures/upstreams/server.js';
import { runCli } from '../../helpers/cli.js';
import { call, spawnSearch, startBrave, startSearxng, startTavily } from './fakes.js';

const BRAVE_KEY = 'BSA-test-key-0123456789';
const TAVILY_KEY = 'tvly-test-key-0123456789';

let dir: string;
let searxng: FakeUpstream;
let brave: FakeUpstream;
let tavily: FakeUpstream;
const clients: Client[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'patchbay-search-apis-'));
  [searxng, brave, tavily] = await Promise.all([startSearxng(), startBrave(), startTavily()]);
});
afterAll(async () => {
  for (const c of clients) await c.close();
  await Promise.all([searxng?.close(), brave?.close(), tavily?.close()]);
});

async function spawn(args: string[], env: Record<string, string> = {}): Promise<Client> {
  const c = await spawnSearch([...args, '--db', join(dir, `search-${clients.length}.db`)], env);
  clients.push(c);
  return c;
}
const params = (f: FakeUpstream) => new URL(f.requests.at(-1)!.url, 'http://x').searchParams;

describe('searxng', () => {
  it('asks /search?format=json with the time range, and maps results with published dates', async () => {
    const c = await spawn(['--backend', 'searxng', '--base-url', searxng.url]);
    const r = await call(c, 'web_search', { query: 'python asyncio', recency: 'month', max_results: 5 });
    expect(r.isError, r.text).toBe(false);
    const p = params(searxng);
    expect(new URL(searxng.requests.at(-1)!.url, 'http://x').pathname).toBe('/search');
    expect([p.get('q'), p.get('format'), p.get('time_range')]).toEqual(['python asyncio', 'json', 'month']);
    expect(r.data.results[0]).toEqual({ title: 'asyncio — Asynchronous I/O', url: 'https://docs.python.org/3/library/asyncio.html', snippet: 'asyncio is a library to write concurrent code.', published: '2024-10-07T00:00:00' });
    expect(r.data).toMatchObject({ backend: 'searxng', untrusted: true, cached: false, searches: 1, cost_usd: 0 });
    expect(r.data).not.toHaveProperty('citations');
  });

  it('takes either domain list: site: operators in the query and a filter by host', async () => {
    const c = await spawn(['--backend', 'searxng', '--base-url', searxng.url, '--cache-ttl', '0']);
    const only = await call(c, 'web_search', { query: 'asyncio', include_domains: ['python.org'] });
    expect(params(searxng).get('q')).toBe('asyncio site:python.org');
    expect(only.data.results.map((x: any) => x.url)).toEqual(['https://docs.python.org/3/library/asyncio.html']);
    const not = await call(c, 'web_search', { query: 'asyncio', exclude_domains: ['python.org'] });
    expect(params(searxng).get('q')).toBe('asyncio -site:python.org');
    expect(not.data.results.map((x: any) => x.url)).toEqual(['https://realpython.com/async-io-python/']);
    const before = searxng.requests.length;
    const both = await call(c, 'web_search', { query: 'asyncio', include_domains: ['python.org'], exclude_domains: ['realpython.com'] });
    expect(both.isError).toBe(true);
    expect(both.text).toMatch(/include_domains or exclude_domains, not both/);
    expect(searxng.requests.length).toBe(before);
  });

  it('says what to change when the instance refuses the json format', async () => {
    searxng.queue((_q, res) => { res.writeHead(403, { 'content-type': 'text/html' }); res.end('<h1>403 Forbidden</h1>'); });
    const c = await spawn(['--backend', 'searxng', '--base-url', searxng.url]);
    const r = await call(c, 'web_search', { query: 'forbidden format' });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/searxng answered HTTP 403.*search\.formats/);
  });
});

describe('brave and tavily', () => {
  it('brave: X-Subscription-Token, count and freshness; results from web.results', async () => {
    const c = await spawn(['--backend', 'brave', '--base-url', brave.url], { BRAVE_API_KEY: BRAVE_KEY });
    const r = await call(c, 'web_search', { query: 'rust language', max_results: 3, recency: 'week' });
    expect(r.isError, r.text).toBe(false);
    const q = brave.requests.at(-1)!;
    expect(new URL(q.url, 'http://x').pathname).toBe('/res/v1/web/search');
    expect(q.headers['x-subscription-token']).toBe(BRAVE_KEY);
    expect([params(brave).get('q'), params(brave).get('count'), params(brave).get('freshness')]).toEqual(['rust language', '3', 'pw']);
    expect(r.data.results[0]).toEqual({ title: 'Rust Programming Language', url: 'https://www.rust-lang.org/', snippet: 'A language empowering everyone.', published: '2024-11-28T00:00:00' });
    expect(r.data.cost_usd).toBeCloseTo(0.005, 10);
  });

  it('brave: a key the API rejects, or echoes, never reaches the answer', async () => {
    brave.queue((_q, res) => sendJsonBody(res, 403, { error: { detail: `token ${BRAVE_KEY} has no plan` } }));
    const c = await spawn(['--backend', 'brave', '--base-url', brave.url, '--key-env', 'MY_BRAVE'], { MY_BRAVE: BRAVE_KEY });
    const r = await call(c, 'web_search', { query: 'echoed key' });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/brave answered HTTP 403/);
    expect(r.text).not.toContain(BRAVE_KEY);
  });

  it('brave without its key refuses to start and says where the key goes', async () => {
    const out = await runCli(['server', 'search', '--backend', 'brave'], { env: { BRAVE_API_KEY: '' } });
    expect(out.code).not.toBe(0);
    expect(out.stderr).toMatch(/needs its API key in BRAVE_API_KEY/);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('tavily: POST /search with a bearer key and the domain list in the body', async () => {
    const c = await spawn(['--backend', 'tavily', '--base-url', tavily.url], { TAVILY_API_KEY: TAVILY_KEY });
    const r = await call(c, 'web_search', { query: 'Who is Leo Messi?', max_results: 4, include_domains: ['britannica.com'], recency: 'year' });
    expect(r.isError, r.text).toBe(false);
    const q = tavily.requests.at(-1)!;
    expect([q.method, new URL(q.url, 'http://x').pathname, q.headers.authorization]).toEqual(['POST', '/search', `Bearer ${TAVILY_KEY}`]);
    expect(q.json()).toEqual({ query: 'Who is Leo Messi?', max_results: 4, include_domains: ['britannica.com'], time_range: 'year' });
    expect(r.data.results[0]).toMatchObject({ url: 'https://www.britannica.com/biography/Lionel-Messi', published: 'Tue, 11 Jun 2024 08:00:00 GMT' });
    await call(c, 'web_search', { query: 'Who is Leo Messi?', exclude_domains: ['wikipedia.org'] });
    expect(tavily.requests.at(-1)!.json()).toMatchObject({ exclude_domains: ['wikipedia.org'] });
    expect(tavily.requests.at(-1)!.json()).not.toHaveProperty('include_domains');
  });
});

describe('daily cap and cache', () => {
  it('answers an identical query from the cache without reaching the backend or the cap', async () => {
    const c = await spawn(['--backend', 'searxng', '--base-url', searxng.url, '--daily-cap', '5']);
    const first = await call(c, 'web_search', { query: 'cache me' });
    const before = searxng.requests.length;
    const second = await call(c, 'web_search', { query: 'cache me' });
    expect(searxng.requests.length).toBe(before);
    expect(second.data).toMatchObject({ cached: true, searches: 0, results: first.data.results });
    expect(second.text).toMatch(/cached \(no search made\)/);
    // A different count is a different query.
    await call(c, 'web_search', { query: 'cache me', max_results: 1 });
    expect(searxng.requests.length).toBe(before + 1);
  });

  it('refuses clearly once the day\'s cap is reached, also after a restart', async () => {
    const args = ['--backend', 'searxng', '--base-url', searxng.url, '--daily-cap', '2', '--db', join(dir, 'cap.db')];
    const first = await spawnSearch(args);
    expect((await call(first, 'web_search', { query: 'one' })).isError).toBe(false);
    expect((await call(first, 'web_search', { query: 'two' })).isError).toBe(false);
    const before = searxng.requests.length;
    const third = await call(first, 'web_search', { query: 'three' });
    expect(third.isError).toBe(true);
    expect(third.text).toMatch(/daily search cap reached: 2 of 2 searches used today \(UTC\); nothing was sent/);
    await first.close();

    const restarted = await spawnSearch(args);
    const again = await call(restarted, 'web_search', { query: 'four' });
    expect(again.text).toMatch(/daily search cap reached/);
    expect(searxng.requests.length).toBe(before);
    await restarted.close();
  });
});
