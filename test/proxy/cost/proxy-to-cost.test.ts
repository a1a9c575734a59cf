/**
 * The whole path a user relies on: requests through the real proxy (official Anthropic SDK →
 * Patchbay on 127.0.0.1 → an OpenAI-compatible upstream on 127.0.0.1) are rate limited by the
 * configured rule, recorded in a real SQLite usage store, priced from the built-in table, and
 * `patchbay cost` (the real CLI, reading that file) shows them.
 */
import Anthropic from '@anthropic-ai/sdk';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProxySettings } from '../../../src/proxy/config/validate.js';
import { startProxy, type RunningProxy } from '../../../src/proxy/server/listen.js';
import { openUsageStore, type UsageStore } from '../../../src/store/usage-store.js';
import { startOpenAIUpstream } from '../../fixtures/upstreams/openai.js';
import type { FakeUpstream } from '../../fixtures/upstreams/server.js';
import { runCli } from '../../helpers/cli.js';

const TOKEN = 'pb_test_cost_0123456789abcdefghijklmnopqrstuvwxyz';
let home: string;
let upstream: FakeUpstream;
let proxy: RunningProxy;
let store: UsageStore;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'patchbay-proxy-cost-'));
  store = openUsageStore(join(home, 'data', 'patchbay.db'));
  upstream = await startOpenAIUpstream();
  const settings = parseProxySettings({
    providers: [{ name: 'openai', kind: 'openai', baseUrl: upstream.url, apiKeyEnv: 'OPENAI_KEY' }],
    router: { default: 'openai,gpt-4.1' },
    rateLimits: [{ provider: 'openai', model: 'gpt-4.1', rpm: 1 }],
  }, join(home, 'config', 'config.json'), { OPENAI_KEY: 'sk-test-cost' });
  proxy = await startProxy({ settings, token: TOKEN, port: 0, host: '127.0.0.1', usage: store, log: () => undefined });
});

afterAll(async () => {
  await proxy?.close();
  await store?.close();
  await upstream?.close();
});

describe('proxy traffic in patchbay cost', () => {
  it('limits, records and prices requests, and the CLI reports them', async () => {
    const client = new Anthropic({ baseURL: proxy.url, apiKey: TOKEN, maxRetries: 0, defaultHeaders: { 'x-patchbay-client': 'cost-test' } });
    const ask = (model: string, stream = false) =>
      stream
        ? client.messages.stream({ model, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }).finalMessage()
        : client.messages.create({ model, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });

    expect((await ask('claude-sonnet-4-5')).usage).toMatchObject({ input_tokens: 12, output_tokens: 5 });
    // rpm 1: the next request would wait 60 s, more than the default 30 s wait, so it is refused.
    const refused = (await ask('claude-sonnet-4-5').catch((e: unknown) => e)) as { status: number; headers: Headers };
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(30);
    // No rule covers gpt-4.1-mini.
    expect((await ask('openai,gpt-4.1-mini', true)).usage.output_tokens).toBe(5);

    // The proxy records after the response is sent; query() also writes queued rows to the file.
    const recorded = () => store.query({}).reduce((n, r) => n + r.requests, 0);
    for (let i = 0; i < 200 && recorded() < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(recorded()).toBe(3);
    const result = await runCli(['cost', '--json'], { env: { PATCHBAY_HOME: home } });
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as { rows: Array<{ key: string; requests: number; inputTokens: number; outputTokens: number; costUsd: number | null; errors: number }> };
    const gpt41 = report.rows.find((r) => r.key === 'gpt-4.1')!;
    expect(gpt41).toMatchObject({ requests: 2, inputTokens: 12, outputTokens: 5, errors: 1 });
    expect(gpt41.costUsd).toBeCloseTo((12 * 2 + 5 * 8) / 1e6, 12); // gpt-4.1: $2 in, $8 out per million
    const mini = report.rows.find((r) => r.key === 'gpt-4.1-mini')!;
    expect(mini).toMatchObject({ requests: 1, errors: 0 });
    expect(mini.costUsd).toBeCloseTo((12 * 0.4 + 5 * 1.6) / 1e6, 12);

    const byClient = await runCli(['cost', '--by', 'client'], { env: { PATCHBAY_HOME: home } });
    expect(byClient.stdout).toMatch(/^cost-test\s+3\s+24\s+10\s/m);
  });
});
