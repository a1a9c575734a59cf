/**
 * proxy.rateLimits through the real limiter: a request over the configured rate is answered
 * 429 rate_limit_error with a retry-after, without reaching the provider; another model of the
 * same provider, which no rule covers, still goes through.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startOpenAIUpstream } from '../../fixtures/upstreams/openai.js';
import type { FakeUpstream } from '../../fixtures/upstreams/server.js';
import { startHarness, type ProxyHarness } from '../e2e/harness.js';

let upstream: FakeUpstream;
let h: ProxyHarness;

beforeAll(async () => {
  upstream = await startOpenAIUpstream();
  h = await startHarness({
    providers: [{ name: 'metered', kind: 'openai', baseUrl: upstream.url, apiKeyEnv: 'K' }],
    router: { default: 'metered,gpt-4.1' },
    rateLimits: [{ provider: 'metered', model: 'gpt-4.1', rpm: 1 }],
  }, { K: 'sk-metered' });
});
afterAll(async () => {
  await h?.close();
  await upstream?.close();
});

it('answers 429 with retry-after once the configured rpm is used up, and never calls the provider for it', async () => {
  const ask = () => h.client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
  await ask();
  const before = upstream.requests.length;
  const error = await ask().catch((e: unknown) => e) as { status: number; headers: Headers; error: { error: { type: string; message: string } } };
  expect(error.status).toBe(429);
  expect(error.error.error.type).toBe('rate_limit_error');
  expect(error.error.error.message).toContain('rpm limit for metered,gpt-4.1');
  expect(Number(error.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(upstream.requests.length).toBe(before);

  const other = await h.client.messages.create({ model: 'metered,gpt-4.1-mini', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
  expect(other.content).toEqual([{ type: 'text', text: 'Hello from gpt-4.1-mini.' }]);
});

it('rejects a malformed rateLimits section when the proxy starts, naming the field', async () => {
  await expect(startHarness({ providers: [{ name: 'm', kind: 'openai', baseUrl: upstream.url }], router: { default: 'm,x' }, rateLimits: { rpm: 5 } }, {}))
    .rejects.toThrow(/proxy\.rateLimits: must be a list of rules/);
});
