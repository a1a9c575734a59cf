/**
 * Anthropic passthrough end to end: Claude Code's real request bodies and headers go through
 * Patchbay to an Anthropic-speaking server on 127.0.0.1, which must receive the very bytes the
 * client sent, with the provider's key in place of Patchbay's; the answer comes back byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicStreamBytes, startAnthropicUpstream } from '../../fixtures/upstreams/anthropic.js';
import { claudeCodeHeaders as referenceHeaders, claudeCodeRequestBytes } from '../../fixtures/upstreams/claude-code/index.js';
import type { FakeUpstream } from '../../fixtures/upstreams/server.js';
import { TOKEN, startHarness, type ProxyHarness } from './harness.js';

const PROVIDER_KEY = 'sk-ant-upstream-secret-key-000';

let upstream: FakeUpstream;
let h: ProxyHarness;

beforeAll(async () => {
  upstream = await startAnthropicUpstream();
  h = await startHarness({
    providers: [{ name: 'anthropic', kind: 'anthropic', baseUrl: upstream.url, apiKeyEnv: 'TEST_ANTHROPIC_KEY' }],
    router: { default: 'anthropic' },
    aliases: { cheap: 'anthropic,claude-haiku-4-5' },
  }, { TEST_ANTHROPIC_KEY: PROVIDER_KEY });
});
afterAll(async () => {
  await h?.close();
  await upstream?.close();
});

function claudeCodeHeaders(): Record<string, string> {
  const headers = referenceHeaders();
  delete headers['accept-encoding'];
  delete headers.connection;
  return { ...headers, 'x-api-key': TOKEN };
}

describe('Anthropic passthrough', () => {
  for (const turn of ['turn1', 'turn2'] as const) {
    it(`forwards Claude Code's real ${turn} request byte for byte and streams the answer back unchanged`, async () => {
      const body = claudeCodeRequestBytes(turn);
      const before = upstream.requests.length;
      const response = await fetch(`${h.proxy.url}/v1/messages?beta=true`, { method: 'POST', headers: claudeCodeHeaders(), body: body.toString('utf8') });
      expect(response.status).toBe(200);
      const text = await response.text();
      const model = (JSON.parse(body.toString('utf8')) as { model: string }).model;
      expect(text).toBe(anthropicStreamBytes(model, ['Hello', ' from', ' Anthropic.']));

      const received = upstream.requests[before]!;
      expect(received.url).toBe('/v1/messages?beta=true');
      expect(received.body.equals(body)).toBe(true);
      expect(received.headers['x-api-key']).toBe(PROVIDER_KEY);
      expect(received.headers['anthropic-beta']).toContain('mid-conversation-system-2026-04-07');
      expect(received.headers['anthropic-version']).toBe('2023-06-01');
      expect(received.headers['x-claude-code-session-id']).toBe('f75a2286-9045-4b15-97d3-ac3edcb0ec0f');
      expect(JSON.stringify(received.headers)).not.toContain(TOKEN);
      expect(received.headers.authorization).toBeUndefined();
    });
  }

  it('serves the official SDK, streamed and whole, and records usage from the final counts', async () => {
    const recorded = h.usage.length;
    const stream = h.client.messages.stream({ model: 'claude-opus-4-8', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from Anthropic.' }]);
    expect(message.usage.output_tokens).toBe(15);

    const whole = await h.client.messages.create({ model: 'claude-opus-4-8', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    expect(whole.content[0]).toMatchObject({ type: 'text', text: 'Hello from Anthropic.' });

    const records = h.usage.slice(recorded);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ provider: 'anthropic', model: 'claude-opus-4-8', inputTokens: 21, outputTokens: 15, cacheReadTokens: 7, status: 200, stream: true });
    expect(records[1]).toMatchObject({ inputTokens: 21, outputTokens: 6, stream: false });
  });

  it('rewrites only the model name when an alias routes to another Anthropic model', async () => {
    const before = upstream.requests.length;
    await h.client.messages.create({ model: 'cheap', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], metadata: { user_id: 'u1' } });
    const received = upstream.requests[before]!.json<Record<string, unknown>>();
    expect(received).toEqual({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], metadata: { user_id: 'u1' } });
  });

  it('forwards count_tokens to Anthropic, which counts exactly', async () => {
    const count = await h.client.messages.countTokens({ model: 'claude-opus-4-8', messages: [{ role: 'user', content: 'hi' }] });
    expect(count.input_tokens).toBe(4242);
    expect(upstream.requests.at(-1)!.url).toBe('/v1/messages/count_tokens');
    expect(upstream.requests.at(-1)!.headers['x-api-key']).toBe(PROVIDER_KEY);
  });

  it("passes Anthropic's own errors through with their type and retry-after", async () => {
    const overloaded = (_r: unknown, res: import('node:http').ServerResponse): void => {
      res.writeHead(529, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
    };
    upstream.queue(overloaded, overloaded, overloaded);
    const before = upstream.requests.length;
    const error = await h.client.messages.create({ model: 'claude-opus-4-8', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as { status: number }).status).toBe(529);
    expect((error as { error: unknown }).error).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'anthropic: Overloaded' } });
    expect((error as { headers: Headers }).headers.get('retry-after')).toBe('0');
    expect(upstream.requests.length - before).toBe(3); // retry.maxAttempts
  });

  it('drops thinking blocks other providers produced (Gemini envelope, empty signature) and keeps Anthropic\'s', async () => {
    const before = upstream.requests.length;
    const thinking = (signature: string) => ({ type: 'thinking' as const, thinking: 'hm', signature });
    await h.client.messages.create({
      model: 'claude-opus-4-8', max_tokens: 10,
      messages: [
        { role: 'user', content: 'q1' },
        { role: 'assistant', content: [thinking('patchbay.gemini.v1.W3sicyI6ImFiYyJ9XQ'), { type: 'text', text: 'a1' }] },
        { role: 'user', content: 'q2' },
        { role: 'assistant', content: [thinking(''), { type: 'text', text: 'a2' }] },
        { role: 'user', content: 'q3' },
        { role: 'assistant', content: [thinking('EqQBCgIYAhIM1gbcDa9GJwZA2b3h'), { type: 'text', text: 'a3' }] },
        { role: 'user', content: 'q4' },
      ],
    });
    const sent = upstream.requests[before]!.json<{ messages: Array<{ content: unknown }> }>();
    expect(sent.messages[1]!.content).toEqual([{ type: 'text', text: 'a1' }]);
    expect(sent.messages[3]!.content).toEqual([{ type: 'text', text: 'a2' }]);
    expect(sent.messages[5]!.content).toEqual([thinking('EqQBCgIYAhIM1gbcDa9GJwZA2b3h'), { type: 'text', text: 'a3' }]);
  });

  it('ends a passthrough stream that resets midway with an error event, after the bytes that came', async () => {
    upstream.queue(async (_r, res) => {
      const bytes = anthropicStreamBytes('claude-opus-4-8', ['Half', ' of it']);
      const cut = bytes.indexOf('event: content_block_stop');
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      res.write(bytes.slice(0, cut));
      await new Promise((r) => setTimeout(r, 50));
      res.socket?.resetAndDestroy();
    });
    const stream = h.client.messages.stream({ model: 'claude-opus-4-8', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    const texts: string[] = [];
    stream.on('text', (t) => texts.push(t));
    const error = await stream.finalMessage().catch((e: unknown) => e) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/anthropic stream broke off/);
    expect(texts.join('')).toBe('Half of it');
  });

  it('closes the upstream request when the client goes away mid-stream', async () => {
    let received: import('../../fixtures/upstreams/server.js').RecordedRequest | undefined;
    upstream.queue(async (r, res) => {
      received = r;
      const bytes = anthropicStreamBytes('claude-opus-4-8', ['one']);
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      res.write(bytes.slice(0, bytes.indexOf('event: content_block_stop')));
      await r.aborted;
      res.end();
    });
    const controller = new AbortController();
    const stream = h.client.messages.stream({ model: 'claude-opus-4-8', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, { signal: controller.signal });
    await new Promise<void>((resolve) => stream.on('text', () => resolve()));
    controller.abort();
    await expect(stream.finalMessage()).rejects.toThrow();
    await received!.aborted; // resolves only when the proxy dropped its upstream request
  });
});
