/**
 * The adapter against a real HTTP server on 127.0.0.1 that speaks the OpenAI wire format: the
 * HttpRequestSpec is sent as is with fetch, the server checks what a real OpenAI-compatible server
 * would check (path, auth header, body fields), and answers with an SSE stream written in small,
 * arbitrary pieces, or with an error page. No model provider can run here, so this is the double
 * the standards allow: a local upstream with the provider's exact wire format.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../src/proxy/anthropic-types.js';
import { openaiAdapter } from '../../../src/proxy/openai/index.js';
import type { ProviderConfig } from '../../../src/proxy/provider.js';
import { validateEventSequence } from './event-sequence.js';
import { chunk, claudeCodeRequest, contextFor, sse, usageChunk } from './helpers.js';

let server: Server;
let baseUrl: string;
const received: Array<{ url: string; headers: IncomingMessage['headers']; body: Record<string, unknown> }> = [];

function upstreamAnswer(body: Record<string, unknown>): string {
  const messages = body.messages as Array<{ role: string; tool_call_id?: string }>;
  const last = messages.at(-1)!;
  if (last.role === 'tool') {
    return sse([chunk({ role: 'assistant', content: '' }), chunk({ content: 'MYVAR and FOO are both ' }), chunk({ content: '"viacli" ✓' }), chunk({}, 'stop'), usageChunk(3100, 12, 2048)]);
  }
  return sse([
    chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_Kx9', type: 'function', function: { name: 'mcp__echo__echo_env', arguments: '' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"prefix"' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: ': "FOO"}' } }] }),
    chunk({}, 'tool_calls'),
    usageChunk(3000, 20),
  ]);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => { text += d; });
    req.on('end', () => {
      if (req.headers.authorization !== 'Bearer sk-local-test-key') {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${String(req.headers.authorization).slice(7)}.`, type: 'invalid_request_error', code: 'invalid_api_key' } }));
        return;
      }
      if (req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<html><head><title>404 Not Found</title></head><body>nginx</body></html>');
        return;
      }
      const body = JSON.parse(text) as Record<string, unknown>;
      received.push({ url: req.url, headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // Write the stream in 7-byte pieces so lines and UTF-8 characters are split on the wire.
      const bytes = Buffer.from(upstreamAnswer(body));
      let at = 0;
      const writeNext = (): void => {
        if (at >= bytes.length) { res.end(); return; }
        res.write(bytes.subarray(at, at + 7), () => setImmediate(writeNext));
        at += 7;
      };
      writeNext();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function call(provider: ProviderConfig, turn: 1 | 2): Promise<{ status: number; events: StreamEvent[]; bodyText?: string }> {
  const request = claudeCodeRequest(turn);
  const context = contextFor(request);
  const spec = openaiAdapter.buildRequest(request, { provider, model: 'gpt-4.1' }, context);
  const response = await fetch(spec.url, { method: spec.method, headers: spec.headers, body: spec.body });
  if (!response.ok) return { status: response.status, events: [], bodyText: await response.text() };
  const translator = openaiAdapter.createStreamTranslator(context);
  const events: StreamEvent[] = [];
  for await (const piece of response.body!) events.push(...translator.push(piece as Uint8Array));
  events.push(...translator.end());
  return { status: response.status, events };
}

describe('a Claude Code session through a local OpenAI-compatible server', () => {
  const provider = (): ProviderConfig => ({ name: 'local', kind: 'openai', baseUrl, apiKey: 'sk-local-test-key' });

  it('turn 1: the request arrives as Chat Completions and the streamed tool call comes back as tool_use', async () => {
    const { status, events } = await call(provider(), 1);
    expect(status).toBe(200);
    const sent = received.at(-1)!;
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers.accept).toBe('text/event-stream');
    expect(sent.body).toMatchObject({ model: 'gpt-4.1', stream: true, stream_options: { include_usage: true }, max_tokens: 32768 });
    const { message } = validateEventSequence(events);
    expect(message.content).toEqual([{ type: 'tool_use', id: 'call_Kx9', name: 'mcp__echo__echo_env', input: { prefix: 'FOO' } }]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toEqual({ input_tokens: 3000, output_tokens: 20 });
  });

  it('turn 2: the tool result goes up as a tool message and the answer streams back as text', async () => {
    const { events } = await call(provider(), 2);
    const sent = received.at(-1)!.body.messages as Array<{ role: string }>;
    expect(sent.map((m) => m.role)).toEqual(['system', 'user', 'system', 'assistant', 'tool']);
    const { message } = validateEventSequence(events);
    expect(message.content).toEqual([{ type: 'text', text: 'MYVAR and FOO are both "viacli" ✓' }]);
    expect(message.usage).toEqual({ input_tokens: 1052, output_tokens: 12, cache_read_input_tokens: 2048 });
  });

  it('a wrong key: the 401 becomes authentication_error without echoing the key', async () => {
    const { status, bodyText } = await call({ ...provider(), apiKey: 'sk-wrong-0123456789abcdef' }, 1);
    const info = openaiAdapter.translateError(status, bodyText!);
    expect(info).toEqual({ status: 401, type: 'authentication_error', message: 'Upstream provider returned HTTP 401: Incorrect API key provided: [redacted]' });
  });

  it('a wrong base URL: the HTML 404 page becomes not_found_error', async () => {
    const { status, bodyText } = await call({ ...provider(), baseUrl: baseUrl.replace(/\/v1$/, '/v2') }, 1);
    expect(openaiAdapter.translateError(status, bodyText!)).toEqual({ status: 404, type: 'not_found_error', message: 'Upstream provider returned HTTP 404: 404 Not Found (an HTML page, not an API response)' });
  });
});
