/**
 * The official Anthropic SDK against Patchbay in front of a Gemini API server on 127.0.0.1 that
 * speaks Gemini's exact wire format, set up the guide's way (PREFERRED_PROVIDER=google).
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProxySettings } from '../../../src/proxy/config/load.js';
import { geminiChunk, geminiError, quotaExceededBody, startGeminiUpstream, writeGeminiStream } from '../../fixtures/upstreams/gemini.js';
import { sendJsonBody, type FakeUpstream, type RecordedRequest } from '../../fixtures/upstreams/server.js';
import { claudeCodeRequestBytes } from '../../fixtures/upstreams/claude-code/index.js';
import { FAST_RETRY, TOKEN, startHarnessWith, type ProxyHarness } from './harness.js';

const GEMINI_KEY = 'AIzaSy-upstream-secret-000';
let upstream: FakeUpstream;
let h: ProxyHarness;

beforeAll(async () => {
  upstream = await startGeminiUpstream();
  const settings = await loadProxySettings({
    file: '/nonexistent/config.json',
    env: { PREFERRED_PROVIDER: 'google', GEMINI_API_KEY: GEMINI_KEY, GEMINI_BASE_URL: upstream.url, BIG_MODEL: 'gemini-2.5-pro', SMALL_MODEL: 'gemini-2.0-flash' },
  });
  settings.retry = FAST_RETRY;
  h = await startHarnessWith(settings);
});
afterAll(async () => {
  await h?.close();
  await upstream?.close();
});

const hi = [{ role: 'user' as const, content: 'hi' }];

describe('Gemini upstream through the official SDK', () => {
  it('streams text from BIG_MODEL with usage from usageMetadata, key in x-goog-api-key only', async () => {
    const message = await h.client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: hi }).finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from gemini-2.5-pro.' }]);
    expect(message.usage).toMatchObject({ input_tokens: 9, output_tokens: 5 });
    const sent = upstream.requests.at(-1)!;
    expect(sent.url).toBe('/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
    expect(sent.headers['x-goog-api-key']).toBe(GEMINI_KEY);
    expect(JSON.stringify(sent.headers)).not.toContain(TOKEN);
    expect(h.usage.at(-1)).toMatchObject({ provider: 'gemini', model: 'gemini-2.5-pro', inputTokens: 9, outputTokens: 5, stream: true });
  });

  it('answers haiku-class requests from SMALL_MODEL, whole', async () => {
    const message = await h.client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: hi });
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from gemini-2.0-flash.' }]);
    expect(upstream.requests.at(-1)!.url).toBe('/v1beta/models/gemini-2.0-flash:generateContent');
  });

  it('returns thoughts as thinking and parallel function calls as tool_use blocks', async () => {
    upstream.queue(async (_r, res) => {
      await writeGeminiStream(res, [
        geminiChunk('gemini-2.5-pro', [{ text: 'Weighing the tools.', thought: true }], { prompt: 40, candidates: 0, thoughts: 6 }),
        geminiChunk('gemini-2.5-pro', [
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'CiQB0e2Kb2sig' },
          { functionCall: { name: 'get_time', args: { tz: 'Europe/Paris' } } },
        ], { prompt: 40, candidates: 12, thoughts: 6 }, 'STOP'),
      ]);
    });
    const tools = [
      { name: 'get_weather', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } },
      { name: 'get_time', input_schema: { type: 'object' as const, properties: { tz: { type: 'string' } } } },
    ];
    const message = await h.client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 2000, messages: hi, tools, thinking: { type: 'enabled', budget_tokens: 1024 } }).finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content[0]).toMatchObject({ type: 'thinking', thinking: 'Weighing the tools.' });
    const calls = message.content.filter((b) => b.type === 'tool_use');
    expect(calls.map((c) => [c.name, c.input])).toEqual([['get_weather', { city: 'Paris' }], ['get_time', { tz: 'Europe/Paris' }]]);
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
  });

  it('retries RESOURCE_EXHAUSTED (429) and then succeeds', async () => {
    const before = upstream.requests.length;
    upstream.queue((_r, res) => geminiError(res, 429, 'Resource has been exhausted (e.g. check quota).', 'RESOURCE_EXHAUSTED'));
    const message = await h.client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: hi });
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from gemini-2.5-pro.' }]);
    expect(upstream.requests.length - before).toBe(2);
  });

  it("waits as long as RetryInfo's retryDelay asks before retrying a 429 that has no retry-after header", async () => {
    const before = upstream.requests.length;
    upstream.queue((_r, res) => sendJsonBody(res, 429, quotaExceededBody('0.6s')));
    const started = performance.now();
    const message = await h.client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: hi });
    // FAST_RETRY's own backoff is at most 50 ms: only RetryInfo explains the wait.
    expect(performance.now() - started).toBeGreaterThanOrEqual(600);
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from gemini-2.5-pro.' }]);
    expect(upstream.requests.length - before).toBe(2);
  });

  it("returns RetryInfo's delay, rounded up to whole seconds, as retry-after on the 429 it gives up on", async () => {
    const before = upstream.requests.length;
    upstream.queue((_r, res) => sendJsonBody(res, 429, quotaExceededBody('36.2s')));
    const error = await h.client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: hi }).catch((e: unknown) => e) as { status: number; headers: Headers; error: { error: { type: string; message: string } } };
    expect(error.status).toBe(429);
    expect(error.error.error.type).toBe('rate_limit_error');
    expect(error.headers.get('retry-after')).toBe('37');
    // A 36 s wait does not fit in retry.maxTotalMs (5 s here): Patchbay gives up at once, and says when to come back.
    expect(upstream.requests.length - before).toBe(1);
  });

  it('lets a retry-after header win over RetryInfo', async () => {
    const before = upstream.requests.length;
    upstream.queue((_r, res) => sendJsonBody(res, 429, quotaExceededBody('1s'), { 'retry-after': '60' }));
    const error = await h.client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: hi }).catch((e: unknown) => e) as { status: number; headers: Headers };
    expect(error.status).toBe(429);
    expect(error.headers.get('retry-after')).toBe('60');
    expect(upstream.requests.length - before).toBe(1);
  });

  it('answers INVALID_ARGUMENT as a 400 invalid_request_error, without retrying', async () => {
    const before = upstream.requests.length;
    upstream.queue((_r, res) => geminiError(res, 400, '* GenerateContentRequest.contents: contents is not specified', 'INVALID_ARGUMENT'));
    const error = await h.client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: hi }).catch((e: unknown) => e) as { status: number; error: { error: { type: string; message: string } } };
    expect(error.status).toBe(400);
    expect(error.error.error.type).toBe('invalid_request_error');
    expect(error.error.error.message).toContain('contents is not specified');
    expect(upstream.requests.length - before).toBe(1);
  });

  it('turns a reset in the middle of a stream into an error event', async () => {
    upstream.queue(async (_r, res) => {
      await writeGeminiStream(res, [
        geminiChunk('gemini-2.5-pro', [{ text: 'Half' }], { prompt: 9, candidates: 1 }),
        geminiChunk('gemini-2.5-pro', [{ text: ' never' }], { prompt: 9, candidates: 2 }, 'STOP'),
      ], { resetAfter: 1 });
    });
    const error = await h.client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: hi }).finalMessage().catch((e: unknown) => e) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/gemini stream broke off/);
  });

  it("translates Claude Code's real turn2 request (tool_result, mid-conversation system) and answers", async () => {
    const body = claudeCodeRequestBytes('turn2');
    const response = await fetch(`${h.proxy.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'x-api-key': TOKEN, 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'claude-code-20250219,context-management-2025-06-27' },
      body: body.toString('utf8'),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('event: message_stop');
    const sent: RecordedRequest = upstream.requests.at(-1)!;
    const json = sent.json<{ contents: Array<{ role: string; parts: Array<Record<string, unknown>> }>; systemInstruction?: unknown }>();
    expect(json.systemInstruction).toBeDefined();
    expect(JSON.stringify(json.contents)).toContain('functionResponse');
  });

  it('keeps an HTML 503 from a Google front end out of the client error text', async () => {
    const page = (_r: RecordedRequest, res: ServerResponse): void => {
      res.writeHead(503, { 'content-type': 'text/html; charset=UTF-8' });
      res.end('<html><body><h1>Error 503 (Service Unavailable)!!1</h1></body></html>');
    };
    upstream.queue(page, page, page);
    const error = await h.client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: hi }).catch((e: unknown) => e) as { status: number; error: { error: { type: string; message: string } } };
    expect(error.status).toBeGreaterThanOrEqual(500);
    expect(error.error.error.message).not.toContain('<html>');
  });
});
