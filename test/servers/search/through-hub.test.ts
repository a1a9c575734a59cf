/**
 * `patchbay server search --backend anthropic` as the hub runs it: an ordinary stdio entry naming
 * Patchbay's own bin, run inside the hub's process on the hub's own proxy (src/servers/in-process.ts),
 * so its entry holds no client token and each search's tokens are booked under the client that
 * called it. Behind the proxy, the loopback fake of Anthropic's Messages API (./fakes.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFileClientStore } from '../../../src/auth/client-store.js';
import { parseProxySettings } from '../../../src/proxy/config/validate.js';
import { createProxyServer, type ProxyServer } from '../../../src/proxy/server/index.js';
import { defaultUsageDbPath, openUsageStore, type UsageStore } from '../../../src/store/usage-store.js';
import type { FakeUpstream } from '../../fixtures/upstreams/server.js';
import { PATCHBAY_BIN, runCli } from '../../helpers/cli.js';
import { stdioServer, type Running } from '../../gateway/helpers/harness.js';
import { startInProcessHub } from '../in-process-hub.js';
import { FAST_RETRY } from '../../proxy/e2e/harness.js';
import { startAnthropicSearch } from './fakes.js';

const SHARED = 'pb_search_hub_shared_0123456789abcdefghijkl';
let dir: string;
let anthropic: FakeUpstream;
let usage: UsageStore;
let proxy: ProxyServer;
let running: Running;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'patchbay-search-hub-'));
  anthropic = await startAnthropicSearch();
  usage = openUsageStore(defaultUsageDbPath());
  const settings = parseProxySettings({
    retry: FAST_RETRY,
    providers: [{ name: 'anthropic', kind: 'anthropic', baseUrl: anthropic.url, apiKeyEnv: 'ANTHROPIC_TEST_KEY' }],
    router: { default: 'anthropic,claude-sonnet-4-5' },
  }, join(dir, 'config.json'), { ANTHROPIC_TEST_KEY: 'sk-ant-search-hub' });
  proxy = createProxyServer({ settings, token: SHARED, clients: createFileClientStore().resolver({ recheckMs: 0 }), usage, log: () => undefined });
  const entry = stdioServer('search', PATCHBAY_BIN, {}, ['server', 'search', '--backend', 'anthropic', '--db', join(dir, 'search.db'), '--cache-ttl', '0']);
  running = await startInProcessHub([entry], proxy, SHARED, dir);
}, 60_000);
afterAll(async () => {
  await running?.close();
  await proxy?.close();
  await usage?.close();
  await anthropic?.close();
});

it('runs in-process, searches through the hub\'s proxy, and books the tokens under the calling client', async () => {
  const added = await runCli(['clients', 'add', 'host-a', '--json']);
  expect(added.code, added.stderr).toBe(0);
  const token = (JSON.parse(added.stdout) as { token: string }).token;
  expect(running.hub.status().find((s) => s.name === 'search')).toMatchObject({ state: 'ready', transport: 'in-process' });

  const client = new Client({ name: 'host-a', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(running.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  try {
    const r = (await client.callTool({ name: 'search__web_search', arguments: { query: 'node 22 release date', max_results: 5 } })) as { isError?: boolean; structuredContent?: any; content: { text?: string }[] };
    expect(r.isError, r.content.map((c) => c.text).join('')).not.toBe(true);
    expect(r.structuredContent).toMatchObject({ untrusted: true, searches: 1 });
    expect(r.structuredContent.citations).toHaveLength(1);
    // Only the proxy holds the provider key; the server had neither it nor a token.
    expect(anthropic.requests.at(-1)!.headers['x-api-key']).toBe('sk-ant-search-hub');
    const rows = usage.query({ by: 'client' });
    expect(rows.find((row) => row.key === 'host-a')?.requests).toBe(1);
    expect(rows.find((row) => row.key === 'search')).toBeUndefined();
  } finally {
    await client.close();
  }
});
