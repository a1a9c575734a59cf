/**
 * The proxy's edge over real HTTP on 127.0.0.1: the key, the size limit, unknown paths, bad
 * JSON, the model list, and fallbacks to the next provider when one is down.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIUpstream } from '../../fixtures/upstreams/openai.js';
import { htmlErrorPage, type FakeUpstream } from '../../fixtures/upstreams/server.js';
import { TOKEN, startHarness, type ProxyHarness } from '../e2e/harness.js';

let primary: FakeUpstream;
let backup: FakeUpstream;
let deadUrl: string;
let h: ProxyHarness;

beforeAll(async () => {
  primary = await startOpenAIUpstream();
  backup = await startOpenAIUpstream();
  // A port that was just free: nothing listens there, so connections are refused.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  deadUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/v1`;
  await new Promise<void>((r) => probe.close(() => r()));
  h = await startHarness({
    providers: [
      { name: 'primary', kind: 'openai', baseUrl: primary.url, apiKeyEnv: 'K1' },
      { name: 'backup', kind: 'openai', baseUrl: backup.url, apiKeyEnv: 'K2' },
      { name: 'down', kind: 'openai', baseUrl: deadUrl, apiKeyEnv: 'K1' },
      { name: 'nokey', kind: 'gemini', baseUrl: 'http://127.0.0.1:9/v1beta', apiKeyEnv: 'UNSET_GEMINI_KEY' },
    ],
    router: { default: 'primary,gpt-4.1', background: 'down,small' },
    aliases: { 'needs-key': 'nokey,gemini-2.5-flash' },
    fallbacks: { default: ['backup,gpt-4.1-b'], background: ['backup,small-b'] },
    maxRequestBytes: 64 * 1024,
    prices: { 'backup,small-b': { input: 1, output: 4 } },
  }, { K1: 'key-one', K2: 'key-two' });
});
afterAll(async () => {
  await h?.close();
  await primary?.close();
  await backup?.close();
});

const body = (model = 'claude-sonnet-4-6', extra: Record<string, unknown> = {}): string => JSON.stringify({ model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], ...extra });
const post = (path: string, payload: string, headers: Record<string, string> = { 'x-api-key': TOKEN }): Promise<Response> =>
  fetch(`${h.proxy.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });

describe('authentication', () => {
  it('answers 401 authentication_error without the key, with a wrong key, and does not call upstream', async () => {
    const before = primary.requests.length;
    for (const headers of [{}, { 'x-api-key': 'wrong' }, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
      const response = await post('/v1/messages', body(), headers);
      expect(response.status).toBe(401);
      const json = await response.json() as { type: string; error: { type: string; message: string } };
      expect(json.type).toBe('error');
      expect(json.error.type).toBe('authentication_error');
      expect(json.error.message).toMatch(/patchbay env/);
    }
    expect(primary.requests.length).toBe(before);
  });

  it('accepts the key as a Bearer token (ANTHROPIC_AUTH_TOKEN) and as x-api-key', async () => {
    expect((await post('/v1/messages', body(), { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await post('/v1/messages', body(), { 'x-api-key': TOKEN })).status).toBe(200);
  });
});

describe('request limits and bad input', () => {
  it('refuses a body over the limit with 413 request_too_large saying the limit and the setting', async () => {
    const big = body('claude-sonnet-4-6', { messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }] });
    const response = await post('/v1/messages', big);
    expect(response.status).toBe(413);
    const json = await response.json() as { error: { type: string; message: string } };
    expect(json.error.type).toBe('request_too_large');
    expect(json.error.message).toContain('64 KiB');
    expect(json.error.message).toContain('proxy.maxRequestBytes');
  });

  it('counts a chunked body without Content-Length against the limit too', async () => {
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 80; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1024)));
        controller.close();
      },
    });
    const response = await fetch(`${h.proxy.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': TOKEN }, body: chunks, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(413);
  });

  it('answers invalid JSON and missing fields with 400 naming the field', async () => {
    const bad = await post('/v1/messages', '{"model": ');
    expect(bad.status).toBe(400);
    expect((await bad.json() as { error: { message: string } }).error.message).toMatch(/not valid JSON/);
    const missing = await post('/v1/messages', JSON.stringify({ model: 'claude-sonnet-4-6', messages: [] }));
    expect((await missing.json() as { error: { message: string } }).error.message).toMatch(/^max_tokens: Field required$/);
  });

  it('answers unknown paths with 404 not_found_error listing the endpoints', async () => {
    const response = await post('/v1/complete', body());
    expect(response.status).toBe(404);
    expect((await response.json() as { error: { type: string; message: string } }).error).toMatchObject({ type: 'not_found_error', message: expect.stringContaining('POST /v1/messages') });
  });

  it('lists the configured routes and aliases at GET /v1/models', async () => {
    const response = await fetch(`${h.proxy.url}/v1/models`, { headers: { 'x-api-key': TOKEN } });
    const json = await response.json() as { data: Array<{ id: string; type: string }> };
    expect(json.data.map((m) => m.id)).toEqual(['needs-key', 'primary,gpt-4.1', 'down,small']);
    expect(json.data[0]!.type).toBe('model');
  });

  it('says which key variable is missing, without any key in the message', async () => {
    const response = await post('/v1/messages', body('needs-key'));
    const json = await response.json() as { error: { message: string } };
    expect(response.status).toBe(500);
    expect(json.error.message).toMatch(/provider "nokey" has no API key/);
    expect(json.error.message).not.toMatch(/key-one|key-two/);
  });
});

describe('fallbacks', () => {
  it('falls back to the next provider when the first refuses connections, and records where it went', async () => {
    const before = backup.requests.length;
    const message = await h.client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from small-b.' }]);
    expect(backup.requests.length).toBe(before + 1);
    expect(backup.requests.at(-1)!.headers.authorization).toBe('Bearer key-two');
    expect(h.usage.at(-1)).toMatchObject({ provider: 'backup', model: 'small-b', requestModel: 'claude-haiku-4-5', status: 200, inputTokens: 12, outputTokens: 5 });
    // proxy.prices: $1 and $4 per million input and output tokens.
    expect(h.usage.at(-1)!.costUsd).toBeCloseTo((12 * 1 + 5 * 4) / 1e6, 12);
  });

  it('falls back after the primary keeps failing with 503, streamed', async () => {
    const page = (_r: unknown, res: import('node:http').ServerResponse): void => htmlErrorPage(res, 503, 'Service Unavailable');
    primary.queue(page, page, page);
    const message = await h.client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from gpt-4.1-b.' }]);
  });

  it('reports the last failure when every target fails', async () => {
    const page = (_r: unknown, res: import('node:http').ServerResponse): void => htmlErrorPage(res, 503, 'Service Unavailable');
    primary.queue(page, page, page);
    backup.queue(page, page, page);
    const error = await h.client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e) as { status: number; error: { error: { type: string; message: string } } };
    expect(error.status).toBe(529); // the OpenAI translation reports an overloaded upstream as Anthropic's 529
    expect(error.error.error.type).toBe('overloaded_error');
    expect(error.error.error.message).toMatch(/^backup: /);
  });
});

describe('provider keys', () => {
  it("answers a provider's 401 as a 502 that names the provider's key, not the client's", async () => {
    const before = primary.requests.length;
    primary.queue((_r, res) => {
      const text = JSON.stringify({ error: { message: 'Incorrect API key provided: key-o**ne.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(text);
    });
    backup.queue((_r, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'bad key', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }));
    });
    const error = await h.client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e) as { status: number; error: { error: { type: string; message: string } } };
    expect(error.status).toBe(502);
    expect(error.error.error.type).toBe('api_error');
    expect(error.error.error.message).toMatch(/^backup refused the API key Patchbay holds for it \(HTTP 401/);
    expect(primary.requests.length).toBe(before + 1); // a 401 is not retried, but the fallback is tried
  });
});
