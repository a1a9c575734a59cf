import { describe, expect, it } from 'vitest';
import type { ThinkingBlock, ToolUseBlock } from '../../../src/proxy/anthropic-types.js';
import { GeminiOutputError, geminiAdapter } from '../../../src/proxy/gemini/index.js';
import { decodeSignatures } from '../../../src/proxy/gemini/signature.js';
import { shortenToolName } from '../../../src/proxy/tool-names.js';
import { chunk, context } from './fixtures.js';

const parse = (body: unknown, names: string[] = [], extra = {}) => geminiAdapter.parseResponse(body, context(names, extra));

describe('Gemini response → Anthropic message', () => {
  it('translates text, ids and usage (cached tokens apart, thinking counted as output)', () => {
    const message = parse(chunk([{ text: 'Hello ' }, { text: 'there.' }], { finishReason: 'STOP' }, {
      promptTokenCount: 100, cachedContentTokenCount: 40, candidatesTokenCount: 10, thoughtsTokenCount: 5, totalTokenCount: 115,
    }));
    expect(message).toEqual({
      id: 'msg_test_0001', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: 'Hello there.' }],
      stop_reason: 'end_turn', stop_sequence: null,
      usage: { input_tokens: 60, output_tokens: 15, cache_read_input_tokens: 40 },
    });
  });

  it('turns thought summaries into a thinking block that carries the call signature, before the tool_use', () => {
    const message = parse(chunk([
      { text: 'The user wants the weather.', thought: true },
      { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'CiQB0e2Kb7Q==' },
    ], { finishReason: 'STOP' }), ['get_weather']);
    expect(message.stop_reason).toBe('tool_use');
    const [thinking, tool] = message.content as [ThinkingBlock, ToolUseBlock];
    expect(thinking.type).toBe('thinking');
    expect(thinking.thinking).toBe('The user wants the weather.');
    expect(tool).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } });
    expect(tool.id).toMatch(/^toolu_[a-zA-Z0-9_-]+$/);
    expect(decodeSignatures(thinking.signature)).toEqual([{ toolUseId: tool.id, signature: 'CiQB0e2Kb7Q==' }]);
  });

  it('gives parallel calls unique ids, maps shortened names back, and keeps an id Gemini sent', () => {
    const long = 'mcp__a_server_with_a_rather_long_name__and_a_tool_whose_name_is_long_too';
    const message = parse(chunk([
      { functionCall: { name: shortenToolName(long), args: {} }, thoughtSignature: 'sig1' },
      { functionCall: { name: 'Read', args: { file_path: '/a' } } },
      { functionCall: { name: 'Read', args: { file_path: '/b' }, id: 'call-7' } },
    ], { finishReason: 'STOP' }), [long, 'Read']);
    const tools = message.content.filter((b): b is ToolUseBlock => b.type === 'tool_use');
    expect(tools.map((t) => t.name)).toEqual([long, 'Read', 'Read']);
    expect(new Set(tools.map((t) => t.id)).size).toBe(3);
    for (const t of tools) expect(t.id).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(tools[2]!.id).toBe('call-7');
    expect(message.content[0]!.type).toBe('thinking');
  });

  it('maps MAX_TOKENS, filter stops and a blocked prompt, never with empty content', () => {
    expect(parse(chunk([{ text: 'cut' }], { finishReason: 'MAX_TOKENS' })).stop_reason).toBe('max_tokens');
    for (const reason of ['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII']) {
      const message = parse({ candidates: [{ finishReason: reason, index: 0 }] });
      expect(message.stop_reason).toBe('refusal');
      expect(message.content).toEqual([{ type: 'text', text: `Gemini withheld the answer (${reason}).` }]);
    }
    const blocked = parse({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 } });
    expect(blocked.stop_reason).toBe('refusal');
    expect(blocked.usage).toEqual({ input_tokens: 7, output_tokens: 0 });
    expect(blocked.content).toEqual([{ type: 'text', text: 'Gemini declined to answer: the prompt was blocked (PROHIBITED_CONTENT).' }]);
  });

  it('answers an empty candidate with one empty text block', () => {
    const message = parse({ candidates: [{ content: { role: 'model', parts: [] }, finishReason: 'STOP' }] });
    expect(message.content).toEqual([{ type: 'text', text: '' }]);
    expect(message.usage).toEqual({ input_tokens: 42, output_tokens: 0 });
  });

  it('recovers the stop sequence the text ends with', () => {
    const message = parse(chunk([{ text: 'one two STOP' }], { finishReason: 'STOP' }), [], { stopSequences: ['END', 'STOP'] });
    expect(message.stop_reason).toBe('stop_sequence');
    expect(message.stop_sequence).toBe('STOP');
    const natural = parse(chunk([{ text: 'one two' }], { finishReason: 'STOP' }), [], { stopSequences: ['END'] });
    expect([natural.stop_reason, natural.stop_sequence]).toEqual(['end_turn', null]);
  });

  it('reports a malformed function call as an error the client sees', () => {
    const body = { candidates: [{ finishReason: 'MALFORMED_FUNCTION_CALL', finishMessage: 'Malformed function call: print(x', index: 0 }] };
    let error: unknown;
    try { parse(body); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(GeminiOutputError);
    expect((error as GeminiOutputError).code).toBe('UPSTREAM');
    expect((error as GeminiOutputError).info).toEqual({
      status: 500, type: 'api_error',
      message: 'Gemini could not complete the tool call (MALFORMED_FUNCTION_CALL): Malformed function call: print(x. Retrying the request usually helps.',
    });
  });

  it('rejects a body that is not a response object, and an error object in a 200 body', () => {
    expect(() => parse('<html>')).toThrow(GeminiOutputError);
    expect(() => parse([chunk([{ text: 'x' }])])).toThrow(GeminiOutputError);
    try {
      parse({ error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' } });
      expect.unreachable();
    } catch (e) {
      expect((e as GeminiOutputError).info).toMatchObject({ status: 429, type: 'rate_limit_error' });
    }
  });

  it("keeps a text part's signature in a thinking block after the text", () => {
    const message = parse(chunk([{ text: 'Done.', thoughtSignature: 'textsig' }], { finishReason: 'STOP' }));
    expect(message.content[0]).toEqual({ type: 'text', text: 'Done.' });
    expect(decodeSignatures((message.content[1] as ThinkingBlock).signature)).toEqual([{ signature: 'textsig' }]);
  });
});
