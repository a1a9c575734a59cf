/**
 * Thought signatures through a client and back (translation reference case 17): Gemini's
 * signature on a functionCall part must come back on that same part in the next request. The
 * client here keeps what an Anthropic client keeps — the assistant content, JSON-serialised —
 * and, in the last test, is the official @anthropic-ai/sdk reading our stream over real HTTP.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContentBlock, MessagesRequest, ToolUseBlock } from '../../../src/proxy/anthropic-types.js';
import { geminiAdapter } from '../../../src/proxy/gemini/index.js';
import { DUMMY_THOUGHT_SIGNATURE, isGeminiSignature } from '../../../src/proxy/gemini/signature.js';
import type { GeminiRequest } from '../../../src/proxy/gemini/types.js';
import { formatSseEvent } from '../../../src/proxy/stream-builder.js';
import { createToolNameMap } from '../../../src/proxy/tool-names.js';
import { validateStream } from './event-validator.js';
import { chunk, context, sse } from './fixtures.js';

const LONG = 'mcp__filesystem_server_for_the_monorepo__read_multiple_files_with_metadata';
const TOOLS = [
  { name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  { name: LONG, input_schema: { type: 'object', properties: { paths: { type: 'array', items: { type: 'string' } } } } },
];
const SIG_A = 'CpgBAdHtim9ZzGa1Jc0zdzp3lnm2RiuPAHDLSVhkB2N/9dGmIPOJCgYi3+aGUAoUtpVy3K9+';
const SIG_B = 'Cp0BAdHtim+Lg1gCd6w4nqIYkZzPw1S84pDaoUCq5D3sD4LzVHSXl2e2g82Wv3k6jUDUkXt1';
const target = { provider: { name: 'google', kind: 'gemini' as const, baseUrl: 'https://generativelanguage.googleapis.com/v1beta', apiKey: 'k' }, model: 'gemini-3-pro-preview' };

const ctx = () => context(TOOLS.map((t) => t.name));
const firstRequest: MessagesRequest = { model: 'claude-opus-4-8', max_tokens: 1000, tools: TOOLS, messages: [{ role: 'user', content: 'Weather in Paris, and read a.txt?' }] };

/** What the client sends next: its history, our answer as it kept it, and a result per call. */
function nextRequest(history: MessagesRequest, assistant: ContentBlock[]): MessagesRequest {
  const kept = JSON.parse(JSON.stringify(assistant)) as ContentBlock[];
  const results = kept.filter((b): b is ToolUseBlock => b.type === 'tool_use').map((b) => ({ type: 'tool_result' as const, tool_use_id: b.id, content: `result of ${b.name}` }));
  return { ...history, messages: [...history.messages, { role: 'assistant', content: kept }, { role: 'user', content: results }] };
}

function geminiBody(request: MessagesRequest): GeminiRequest {
  return JSON.parse(geminiAdapter.buildRequest(request, target, context(TOOLS.map((t) => t.name))).body!) as GeminiRequest;
}

const PARALLEL_CALLS = chunk([
  { text: 'Two lookups needed.', thought: true },
  { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: SIG_A },
  { functionCall: { name: createToolNameMap([LONG]).toUpstream(LONG), args: { paths: ['a.txt'] } } },
], { finishReason: 'STOP' }, { promptTokenCount: 50, candidatesTokenCount: 20 });

describe('thought signatures round trip', () => {
  it('whole response: the signature comes back on the first functionCall part, the thought text does not', () => {
    const message = geminiAdapter.parseResponse(PARALLEL_CALLS, ctx());
    const body = geminiBody(nextRequest(firstRequest, message.content));
    expect(body.contents.map((c) => c.role)).toEqual(['user', 'model', 'user']);
    expect(body.contents[1]!.parts).toEqual([
      { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: SIG_A },
      { functionCall: { name: createToolNameMap([LONG]).toUpstream(LONG), args: { paths: ['a.txt'] } } },
    ]);
    expect(body.contents[2]!.parts.map((p) => p.functionResponse?.name)).toEqual(['get_weather', createToolNameMap([LONG]).toUpstream(LONG)]);
    expect(JSON.stringify(body)).not.toContain('Two lookups needed.');
    // Recognisable, so a route to Anthropic can drop blocks whose signature only Gemini understands.
    expect(isGeminiSignature((message.content[0] as { signature: string }).signature)).toBe(true);
    expect(isGeminiSignature('EqQBCkYIBxgCKkA')).toBe(false);
  });

  it('stream: the signature_delta comes back on the same part', () => {
    const translator = geminiAdapter.createStreamTranslator(ctx());
    const events = [...translator.push(new TextEncoder().encode(sse([PARALLEL_CALLS]))), ...translator.end()];
    const { message } = validateStream(events);
    const body = geminiBody(nextRequest(firstRequest, message.content));
    expect(body.contents[1]!.parts[0]).toEqual({ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: SIG_A });
    expect(body.contents[1]!.parts[1]!.thoughtSignature).toBeUndefined();
  });

  it('each step of a multi-step turn gets its own signature back', () => {
    const step1 = geminiAdapter.parseResponse(chunk([{ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: SIG_A }], { finishReason: 'STOP' }), ctx());
    const afterStep1 = nextRequest(firstRequest, step1.content);
    const step2 = geminiAdapter.parseResponse(chunk([{ text: 'Now Lyon.' }, { functionCall: { name: 'get_weather', args: { city: 'Lyon' } }, thoughtSignature: SIG_B }], { finishReason: 'STOP' }), ctx());
    const body = geminiBody(nextRequest(afterStep1, step2.content));
    expect(body.contents.map((c) => c.role)).toEqual(['user', 'model', 'user', 'model', 'user']);
    expect(body.contents[1]!.parts).toEqual([{ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: SIG_A }]);
    expect(body.contents[3]!.parts).toEqual([{ text: 'Now Lyon.' }, { functionCall: { name: 'get_weather', args: { city: 'Lyon' } }, thoughtSignature: SIG_B }]);
  });

  it('falls back to the documented dummy signature when the client dropped the thinking block', () => {
    const message = geminiAdapter.parseResponse(PARALLEL_CALLS, ctx());
    const body = geminiBody(nextRequest(firstRequest, message.content.filter((b) => b.type !== 'thinking')));
    expect(body.contents[1]!.parts[0]!.thoughtSignature).toBe(DUMMY_THOUGHT_SIGNATURE);
    expect(body.contents[1]!.parts[1]!.thoughtSignature).toBeUndefined();
  });

  it("a text part's signature comes back on the answer's last text part", () => {
    const message = geminiAdapter.parseResponse(chunk([{ text: 'It is sunny.' }, { text: '', thoughtSignature: SIG_B }], { finishReason: 'STOP' }), ctx());
    const request: MessagesRequest = { ...firstRequest, messages: [...firstRequest.messages, { role: 'assistant', content: JSON.parse(JSON.stringify(message.content)) }, { role: 'user', content: 'thanks' }] };
    expect(geminiBody(request).contents[1]!.parts).toEqual([{ text: 'It is sunny.', thoughtSignature: SIG_B }]);
  });

  describe('through the official Anthropic SDK over HTTP', () => {
    let server: Server;
    let baseURL: string;
    beforeAll(async () => {
      // Serves, as an Anthropic endpoint would, the events our translator makes of a Gemini stream.
      server = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          const translator = geminiAdapter.createStreamTranslator(ctx());
          const events = [...translator.push(new TextEncoder().encode(sse([PARALLEL_CALLS]))), ...translator.end()];
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end(events.map(formatSseEvent).join(''));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('the SDK keeps the signature, and the conversation it sends back restores it', async () => {
      const client = new Anthropic({ baseURL, apiKey: 'test-key', maxRetries: 0 });
      const final = await client.messages.stream(firstRequest as Anthropic.MessageCreateParams).finalMessage();
      expect(final.stop_reason).toBe('tool_use');
      expect(final.content.map((b) => b.type)).toEqual(['thinking', 'tool_use', 'tool_use']);
      expect((final.content[2] as Anthropic.ToolUseBlock).name).toBe(LONG);
      const body = geminiBody(nextRequest(firstRequest, final.content as ContentBlock[]));
      expect(body.contents[1]!.parts[0]!.thoughtSignature).toBe(SIG_A);
    });
  });
});
