/**
 * The official Anthropic SDK against Patchbay in front of an OpenAI Chat Completions server on
 * 127.0.0.1 that speaks OpenAI's exact wire format, configured the simplest way (the guide's
 * PREFERRED_PROVIDER / BIG_MODEL / SMALL_MODEL variables).
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProxySettings } from '../../../src/proxy/config/load.js';
import { OpenAIStream, chatCompletion, openaiError, startOpenAIUpstream, writeOpenAIStream } from '../../fixtures/upstreams/openai.js';
import { claudeCodeHeaders, claudeCodeRequestBytes } from '../../fixtures/upstreams/claude-code/index.js';
import { htmlErrorPage, sendJsonBody, type FakeUpstream, type RecordedRequest } from '../../fixtures/upstreams/server.js';
import { FAST_RETRY, TOKEN, startHarnessWith, type ProxyHarness } from './harness.js';

const OPENAI_KEY = 'sk-proj-upstream-secret-0000';
let upstream: FakeUpstream;
let h: ProxyHarness;

beforeAll(async () => {
  upstream = await startOpenAIUpstream();
  const settings = await loadProxySettings({
    file: '/nonexistent/config.json',
    env: { PREFERRED_PROVIDER: 'openai', OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: upstream.url, BIG_MODEL: 'gpt-4.1', SMALL_MODEL: 'gpt-4.1-mini' },
  });
  settings.retry = FAST_RETRY;
  h = await startHarnessWith(settings, { pingIntervalMs: 40 });
});
afterAll(async () => {
  await h?.close();
  await upstream?.close();
});

const hi = [{ role: 'user' as const, content: 'hi' }];

describe('OpenAI-compatible upstream through the official SDK', () => {
  it('maps sonnet/opus-class to BIG_MODEL and haiku-class to SMALL_MODEL, streamed, with the usage-only last chunk', async () => {
    const big = await h.client.messages.stream({ model: 'claude-opus-4-8', max_tokens: 50, messages: hi }).finalMessage();
    expect(big.content).toEqual([{ type: 'text', text: 'Hello from gpt-4.1.' }]);
    expect(big.model).toBe('claude-opus-4-8');
    expect(big.usage).toMatchObject({ input_tokens: 12, output_tokens: 5 });
    expect(big.stop_reason).toBe('end_turn');
    const sent = upstream.requests.at(-1)!;
    expect(sent.url).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(JSON.stringify(sent.headers)).not.toContain(TOKEN);

    const small = await h.client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: hi });
    expect(small.content).toEqual([{ type: 'text', text: 'Hello from gpt-4.1-mini.' }]);
    expect(upstream.requests.at(-1)!.json().model).toBe('gpt-4.1-mini');
    expect(h.usage.at(-1)).toMatchObject({ provider: 'openai', model: 'gpt-4.1-mini', requestModel: 'claude-haiku-4-5', inputTokens: 12, outputTokens: 5, status: 200, stream: false });
  });

  it('turns interleaved parallel tool-call deltas into separate, complete tool_use blocks', async () => {
    upstream.queue(async (_r, res) => {
      const s = new OpenAIStream('gpt-4.1')
        .text('Checking both.')
        .toolStart(0, 'call_weather01', 'get_weather').toolStart(1, 'call_time0002', 'get_time')
        .toolArgs(0, '{"city":').toolArgs(1, '{"tz":"Europe/').toolArgs(0, '"Paris"}').toolArgs(1, 'Paris"}')
        .finish('tool_calls', { prompt_tokens: 80, completion_tokens: 30 });
      await writeOpenAIStream(res, s);
    });
    const tools = [
      { name: 'get_weather', description: 'Weather', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } },
      { name: 'get_time', description: 'Time', input_schema: { type: 'object' as const, properties: { tz: { type: 'string' } } } },
    ];
    const message = await h.client.messages.stream({ model: 'claude-opus-4-8', max_tokens: 200, messages: hi, tools }).finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'text', text: 'Checking both.' },
      { type: 'tool_use', id: 'call_weather01', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_time0002', name: 'get_time', input: { tz: 'Europe/Paris' } },
    ]);
    expect(message.usage).toMatchObject({ input_tokens: 80, output_tokens: 30 });
  });

  it('returns reasoning deltas as a thinking block before the text', async () => {
    upstream.queue(async (_r, res) => {
      await writeOpenAIStream(res, new OpenAIStream('deepseek-reasoner').reasoning('Let me ', 'think.').text('Answer.').finish('stop', { prompt_tokens: 5, completion_tokens: 9 }));
    });
    const message = await h.client.messages.stream({ model: 'claude-opus-4-8', max_tokens: 2000, messages: hi, thinking: { type: 'enabled', budget_tokens: 1024 } }).finalMessage();
    expect(message.content[0]).toMatchObject({ type: 'thinking', thinking: 'Let me think.' });
    expect(message.content[1]).toEqual({ type: 'text', text: 'Answer.' });
  });

  it('retries a 429 after its retry-after and then succeeds', async () => {
    const before = upstream.requests.length;
    upstream.queue((_r, res) => openaiError(res, 429, 'Rate limit reached for gpt-4.1 on requests per min (RPM): Limit 3, Used 3.', 'requests', 'rate_limit_exceeded', { 'retry-after': '1' }));
    const message = await h.client.messages.create({ model: 'claude-opus-4-8', max_tokens: 50, messages: hi });
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from gpt-4.1.' }]);
    expect(upstream.requests.length - before).toBe(2);
  });

  it('answers an HTML error page as a clean Anthropic error with the upstream status, after retrying', async () => {
    const before = upstream.requests.length;
    const page = (_r: RecordedRequest, res: ServerResponse): void => htmlErrorPage(res, 502, 'Bad Gateway');
    upstream.queue(page, page, page);
    const error = (await h.client.messages.create({ model: 'claude-opus-4-8', max_tokens: 50, messages: hi }).catch((e: unknown) => e)) as { status: number; error: { type: string; error: { type: string; message: string } } };
    expect(error.status).toBe(502);
    expect(error.error.type).toBe('error');
    expect(error.error.error.type).toBe('api_error');
    expect(error.error.error.message).toMatch(/^openai: /);
    expect(error.error.error.message).not.toContain('<html>');
    expect(upstream.requests.length - before).toBe(3);
  });

  it('does not retry a 400: the request itself is wrong', async () => {
    const before = upstream.requests.length;
    upstream.queue((_r, res) => openaiError(res, 400, "Invalid 'messages[0].content': string too long.", 'invalid_request_error', 'string_above_max_length'));
    const error = (await h.client.messages.create({ model: 'claude-opus-4-8', max_tokens: 50, messages: hi }).catch((e: unknown) => e)) as { status: number; error: { error: { type: string; message: string } } };
    expect(error.status).toBe(400);
    expect(error.error.error.type).toBe('invalid_request_error');
    expect(error.error.error.message).toContain('string too long');
    expect(upstream.requests.length - before).toBe(1);
  });

  it('ends a stream whose upstream connection resets midway with an error event the SDK raises', async () => {
    upstream.queue(async (_r, res) => {
      await writeOpenAIStream(res, new OpenAIStream('gpt-4.1').text('Partial', ' answer', ' that', ' never', ' ends').finish('stop', { prompt_tokens: 1, completion_tokens: 1 }), { resetAfter: 3 });
    });
    const stream = h.client.messages.stream({ model: 'claude-opus-4-8', max_tokens: 50, messages: hi });
    const texts: string[] = [];
    stream.on('text', (t) => texts.push(t));
    const error = (await stream.finalMessage().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/openai stream broke off/);
    expect(texts.join('')).toBe('Partial answer');
  });

  it('sends ping events while a slow upstream is silent', async () => {
    upstream.queue(async (_r, res) => {
      await writeOpenAIStream(res, new OpenAIStream('gpt-4.1').text('slow').finish('stop', { prompt_tokens: 1, completion_tokens: 1 }), { pauseMs: 400, pauseBeforeIndex: 2 });
    });
    const response = await fetch(`${h.proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': TOKEN, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-opus-4-8', max_tokens: 10, stream: true, messages: hi }),
    });
    const text = await response.text();
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events).toContain('ping');
    expect(events.filter((e) => e !== 'ping')).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
  });

  it('aborts the upstream request when the client goes away', async () => {
    let upstreamRequest: RecordedRequest | undefined;
    upstream.queue(async (r, res) => {
      upstreamRequest = r;
      await writeOpenAIStream(res, new OpenAIStream('gpt-4.1').text('first').text('never sent').finish('stop', { prompt_tokens: 1, completion_tokens: 1 }), { pauseMs: 20_000, pauseBeforeIndex: 2 });
    });
    const controller = new AbortController();
    const stream = h.client.messages.stream({ model: 'claude-opus-4-8', max_tokens: 50, messages: hi }, { signal: controller.signal });
    await new Promise<void>((resolve) => stream.on('text', () => resolve()));
    controller.abort();
    await expect(stream.finalMessage()).rejects.toThrow();
    await upstreamRequest!.aborted; // resolves only if the proxy closed its upstream connection
  });

  it('estimates count_tokens locally for a non-Anthropic provider', async () => {
    const before = upstream.requests.length;
    const small = await h.client.messages.countTokens({ model: 'claude-opus-4-8', messages: hi });
    const large = await h.client.messages.countTokens({ model: 'claude-opus-4-8', messages: [{ role: 'user', content: 'hello world '.repeat(500) }] });
    expect(small.input_tokens).toBeGreaterThan(0);
    expect(large.input_tokens).toBeGreaterThan(small.input_tokens + 500);
    expect(upstream.requests.length).toBe(before);
  });

  for (const turn of ['turn1', 'turn2'] as const) {
    it(`translates Claude Code's real ${turn} request (system messages mid-conversation, beta fields) and answers`, async () => {
      const body = JSON.parse(claudeCodeRequestBytes(turn).toString('utf8')) as Record<string, unknown>;
      const response = await fetch(`${h.proxy.url}/v1/messages?beta=true`, {
        method: 'POST',
        headers: { ...claudeCodeHeaders(), 'x-api-key': TOKEN, 'accept-encoding': 'identity' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('event: message_stop');
      const sent = upstream.requests.at(-1)!.json<{ messages: Array<{ role: string }>; model: string }>();
      expect(sent.model).toBe('gpt-4.1');
      expect(sent.messages.filter((m) => m.role === 'system' || m.role === 'developer').length).toBeGreaterThanOrEqual(2);
      expect(JSON.stringify(sent)).not.toContain('context_management');
      expect(h.usage.at(-1)).toMatchObject({ client: 'claude-cli', requestModel: body.model, provider: 'openai' });
    });
  }

  it('answers a whole (non-streamed) completion as one Anthropic message', async () => {
    upstream.queue((_r, res) => sendJsonBody(res, 200, chatCompletion('gpt-4.1', { content: null, tool_calls: [{ id: 'call_x1', type: 'function', function: { name: 'get_time', arguments: '{"tz":"UTC"}' } }] }, 'tool_calls', { prompt_tokens: 3, completion_tokens: 4 })));
    const message = await h.client.messages.create({ model: 'claude-opus-4-8', max_tokens: 50, messages: hi, tools: [{ name: 'get_time', input_schema: { type: 'object' } }] });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([{ type: 'tool_use', id: 'call_x1', name: 'get_time', input: { tz: 'UTC' } }]);
  });
});
