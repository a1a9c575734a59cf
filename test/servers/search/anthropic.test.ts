/**
 * `patchbay server search --backend anthropic` end to end: SDK client → the server as a child
 * process → Patchbay's real proxy on 127.0.0.1 (client token) → its Anthropic provider → a
 * loopback fake of the Messages API replaying the web search tool's block shapes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUsageStore, type UsageStore } from '../../../src/store/usage-store.js';
import { openSearchUsageStore, utcDay } from '../../../src/store/search-usage-store.js';
import type { FakeUpstream } from '../../fixtures/upstreams/server.js';
import { startProxyForClient } from '../models/helpers.js';
import {
  NODE_RELEASE, anthropicSearchMessage, answerWith, call, citedText, searchCall, searchError, searchResults, spawnSearch, startAnthropicSearch,
} from './fakes.js';

let dir: string;
let anthropic: FakeUpstream;
let usage: UsageStore;
let running: Awaited<ReturnType<typeof startProxyForClient>>;
let client: Client;
let db: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'patchbay-search-anthropic-'));
  db = join(dir, 'search.db');
  anthropic = await startAnthropicSearch();
  usage = openUsageStore(join(dir, 'usage.db'));
  running = await startProxyForClient(dir, 'search', {
    providers: [{ name: 'anthropic', kind: 'anthropic', baseUrl: anthropic.url, apiKeyEnv: 'ANTHROPIC_TEST_KEY' }],
    router: { default: 'anthropic,claude-sonnet-4-5' },
  }, { ANTHROPIC_TEST_KEY: 'sk-ant-search-test' }, usage);
  client = await spawnSearch(['--backend', 'anthropic', '--proxy-url', running.proxy.url, '--max-uses', '4', '--db', db, '--cache-ttl', '0'], { PATCHBAY_CLIENT_TOKEN: running.clientToken });
});
afterAll(async () => {
  await client?.close();
  await running?.close();
  usage?.close();
  await anthropic?.close();
});

const sent = () => anthropic.requests.at(-1)!.json();

describe('anthropic backend through the proxy', () => {
  it('returns results, the cited passages and the answer, marked untrusted, with max_uses from the flag', async () => {
    const r = await call(client, 'web_search', { query: 'node 22 release date', max_results: 5 });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.untrusted).toBe(true);
    expect(r.data.results[0]).toEqual({ title: 'Node.js 22 is now available!', url: NODE_RELEASE, snippet: 'We\'re excited to announce the release of Node.js 22!', published: 'April 24, 2024' });
    expect(r.data.results).toHaveLength(2);
    expect(r.data.citations).toEqual([{ url: NODE_RELEASE, title: 'Node.js 22 is now available!', cited_text: 'We\'re excited to announce the release of Node.js 22!' }]);
    expect(r.data.answer).toContain('April 24, 2024');
    expect(r.text).toMatch(/^Untrusted web content/);
    expect(r.text).toContain('<untrusted-web-content>');
    // One search ($0.01) plus 1000 in / 100 out tokens at the proxy's claude-sonnet-4-5 price.
    expect(r.data.searches).toBe(1);
    expect(r.data.cost_usd).toBeGreaterThan(0.01);
    const body = sent();
    expect(body.tools).toEqual([{ type: 'web_search_20250305', name: 'web_search', max_uses: 4 }]);
    expect(body.model).toBe('claude-sonnet-4-5');
    // The provider key is the proxy's; the server only ever held its client token.
    expect(anthropic.requests.at(-1)!.headers['x-api-key']).toBe('sk-ant-search-test');
    // The proxy booked the tokens under the server's client.
    expect(usage.query({ by: 'client' }).find((row) => row.key === 'search')?.requests).toBeGreaterThanOrEqual(1);
  });

  it('maps include_domains to allowed_domains and exclude_domains to blocked_domains; both at once is refused before sending', async () => {
    await call(client, 'web_search', { query: 'release notes', include_domains: ['nodejs.org'] });
    expect(sent().tools[0]).toMatchObject({ allowed_domains: ['nodejs.org'] });
    expect(sent().tools[0]).not.toHaveProperty('blocked_domains');
    await call(client, 'web_search', { query: 'release notes', exclude_domains: ['w3schools.com'] });
    expect(sent().tools[0]).toMatchObject({ blocked_domains: ['w3schools.com'] });
    expect(sent().tools[0]).not.toHaveProperty('allowed_domains');

    const before = anthropic.requests.length;
    const both = await call(client, 'web_search', { query: 'release notes', include_domains: ['nodejs.org'], exclude_domains: ['w3schools.com'] });
    expect(both.isError).toBe(true);
    expect(both.text).toMatch(/include_domains or exclude_domains, not both/);
    const bad = await call(client, 'web_search', { query: 'x', include_domains: ['https://nodejs.org/docs'] });
    expect(bad.text).toMatch(/not a domain name/);
    expect(anthropic.requests.length).toBe(before);
  });

  it('continues a pause_turn by resending the paused assistant content, and keeps what both parts found', async () => {
    const paused = [{ type: 'text', text: 'Let me search.' }, searchCall('srvtoolu_01P', 'node 22')];
    anthropic.queue(
      answerWith(anthropicSearchMessage(paused, 'pause_turn', 1)),
      answerWith(anthropicSearchMessage([searchResults('srvtoolu_01P'), citedText], 'end_turn', 0)),
    );
    const before = anthropic.requests.length;
    const r = await call(client, 'web_search', { query: 'node 22 paused' });
    expect(r.isError, r.text).toBe(false);
    expect(anthropic.requests.length - before).toBe(2);
    const continued = sent();
    expect(continued.messages).toHaveLength(2);
    expect(continued.messages[1]).toEqual({ role: 'assistant', content: paused });
    // The first part made one search: the continuation may make only the rest of --max-uses.
    expect(continued.tools[0].max_uses).toBe(3);
    expect(r.data.results[0].url).toBe(NODE_RELEASE);
    expect(r.data.citations).toHaveLength(1);
    expect(r.data.searches).toBe(1);
  });

  it('reports a web_search_tool_result_error with its code, and still counts the search', async () => {
    anthropic.queue(answerWith(anthropicSearchMessage([searchCall('srvtoolu_01E', 'x'), searchError('srvtoolu_01E', 'too_many_requests')], 'end_turn', 1)));
    const store = openSearchUsageStore(db);
    const before = store.day(utcDay()).searches;
    const r = await call(client, 'web_search', { query: 'rate limited search' });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/Anthropic's web search failed: too_many_requests/);
    expect(store.day(utcDay()).searches).toBe(before + 1);
    store.close();
  });

  it('keeps results beside an error block as a warning', async () => {
    anthropic.queue(answerWith(anthropicSearchMessage([
      searchCall('srvtoolu_01A', 'a'), searchResults('srvtoolu_01A'), searchCall('srvtoolu_01B', 'b'), searchError('srvtoolu_01B', 'max_uses_exceeded'), citedText,
    ], 'end_turn', 2)));
    const r = await call(client, 'web_search', { query: 'two searches' });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.warnings).toEqual(['web search error: max_uses_exceeded']);
    expect(r.data.searches).toBe(2);
  });
});
