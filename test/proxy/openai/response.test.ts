/**
 * Whole (non-streamed) Chat Completions responses → Anthropic messages, with the response shapes
 * OpenAI, DeepSeek, OpenRouter, vLLM and Ollama actually return.
 */
import { describe, expect, it } from 'vitest';
import type { MessagesResponse } from '../../../src/proxy/anthropic-types.js';
import { OpenAITranslationError, openaiAdapter } from '../../../src/proxy/openai/index.js';
import type { TranslationContext } from '../../../src/proxy/provider.js';
import { createToolNameMap } from '../../../src/proxy/tool-names.js';
import { contextFor } from './helpers.js';

function completion(message: Record<string, unknown>, finishReason: string | null = 'stop', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'chatcmpl-AbC123',
    object: 'chat.completion',
    created: 1763940000,
    model: 'gpt-4.1-2025-04-14',
    choices: [{ index: 0, message: { role: 'assistant', refusal: null, annotations: [], ...message }, logprobs: null, finish_reason: finishReason, ...extra }],
    usage: { prompt_tokens: 2051, completion_tokens: 42, total_tokens: 2093, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
    service_tier: 'default',
    system_fingerprint: 'fp_1',
  };
}

function parse(body: unknown, context: TranslationContext = contextFor()): MessagesResponse {
  return openaiAdapter.parseResponse(body, context);
}

describe('case 4: several tool calls in one response', () => {
  it('makes one tool_use block per call, after the text', () => {
    const message = parse(completion({
      content: 'Checking both.',
      tool_calls: [
        { id: 'call_a1', type: 'function', function: { name: 'Bash', arguments: '{"command":"ls"}' } },
        { id: 'call_b2', type: 'function', function: { name: 'Read', arguments: '{"file_path":"README.md"}' } },
      ],
    }, 'tool_calls'));
    expect(message).toEqual({
      id: 'msg_01TestMessage0000000001',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'text', text: 'Checking both.' },
        { type: 'tool_use', id: 'call_a1', name: 'Bash', input: { command: 'ls' } },
        { type: 'tool_use', id: 'call_b2', name: 'Read', input: { file_path: 'README.md' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 2051, output_tokens: 42, cache_read_input_tokens: 0 },
    });
  });
});

describe('case 6: stop_sequence recovery', () => {
  const context = contextFor({ stop_sequences: ['</answer>', 'END'] });

  it('is null when the upstream stopped and the text does not end with a sequence (OpenAI strips it)', () => {
    const message = parse(completion({ content: '<answer>42' }), context);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.stop_sequence).toBeNull();
  });

  it('is recovered when the text ends with one', () => {
    const message = parse(completion({ content: '<answer>42</answer>' }), context);
    expect(message.stop_reason).toBe('stop_sequence');
    expect(message.stop_sequence).toBe('</answer>');
  });

  it("is taken from vLLM's stop_reason", () => {
    const message = parse(completion({ content: 'counting 1 2 3' }, 'stop', { stop_reason: 'END' }), context);
    expect(message.stop_reason).toBe('stop_sequence');
    expect(message.stop_sequence).toBe('END');
  });
});

describe('case 10: finish_reason mapping', () => {
  it.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['tool_calls', 'tool_use'],
    ['function_call', 'tool_use'],
    ['content_filter', 'refusal'],
  ])('%s → %s', (finishReason, stopReason) => {
    expect(parse(completion({ content: 'x' }, finishReason)).stop_reason).toBe(stopReason);
  });

  it('reports a refusal as text with stop_reason refusal', () => {
    const message = parse(completion({ content: null, refusal: "I'm sorry, I can't help with that." }));
    expect(message.content).toEqual([{ type: 'text', text: "I'm sorry, I can't help with that." }]);
    expect(message.stop_reason).toBe('refusal');
  });

  it('maps the legacy function_call message to a tool_use', () => {
    const message = parse(completion({ content: null, function_call: { name: 'Bash', arguments: '{"command":"pwd"}' } }, 'function_call'));
    expect(message.content).toEqual([{ type: 'tool_use', id: 'toolu_01TestMessage0000000001_0', name: 'Bash', input: { command: 'pwd' } }]);
  });
});

describe('case 11: content is never empty', () => {
  it('answers an empty text block for empty or null content', () => {
    for (const content of ['', null]) {
      const message = parse(completion({ content }));
      expect(message.content).toEqual([{ type: 'text', text: '' }]);
    }
  });
});

describe('case 12: usage', () => {
  it('moves cached tokens to cache_read_input_tokens and out of input_tokens', () => {
    const body = completion({ content: 'hi' });
    body.usage = { prompt_tokens: 12000, completion_tokens: 30, total_tokens: 12030, prompt_tokens_details: { cached_tokens: 11520 } };
    expect(parse(body).usage).toEqual({ input_tokens: 480, output_tokens: 30, cache_read_input_tokens: 11520 });
  });

  it('falls back to the estimate when the upstream reports no usage (some llama.cpp builds)', () => {
    const body = completion({ content: 'hi' });
    delete body.usage;
    expect(parse(body).usage).toEqual({ input_tokens: 1234, output_tokens: 0 });
  });
});

describe('case 13: ids and names from the upstream', () => {
  it('keeps the message id from the context, sanitises tool ids and maps shortened names back', () => {
    const long = `mcp__${'an_mcp_server_with_a_long_name_'.repeat(2)}__fetch_page`;
    const context = contextFor({ tools: [{ name: long, input_schema: {} }] });
    const upstreamName = context.toolNames.toUpstream(long);
    const message = parse(completion({
      content: null,
      tool_calls: [
        { id: 'functions.fetch_page:0', type: 'function', function: { name: upstreamName, arguments: '{"url":"https://example.com"}' } },
        { id: '', type: 'function', function: { name: 'Bash', arguments: '{}' } },
      ],
    }, 'tool_calls'), context);
    expect(message.id).toBe('msg_01TestMessage0000000001');
    const [first, second] = message.content as Array<{ id: string; name: string }>;
    expect(first!.name).toBe(long);
    expect(first!.id).toMatch(/^functions_fetch_page_0_[0-9a-f]{10}$/);
    expect(second!.id).toBe('toolu_01TestMessage0000000001_1');
  });

  it('maps the sanitised id back to the same upstream id on the next turn', () => {
    const context: TranslationContext = { ...contextFor(), toolNames: createToolNameMap([]) };
    const message = parse(completion({ content: null, tool_calls: [{ id: 'functions.x:0', type: 'function', function: { name: 'x', arguments: '{}' } }] }, 'tool_calls'), context);
    const id = (message.content[0] as { id: string }).id;
    const next = openaiAdapter.buildRequest({
      model: 'm', max_tokens: 10,
      messages: [{ role: 'user', content: 'go' }, { role: 'assistant', content: message.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: 'done' }] }],
    }, { provider: { name: 'p', kind: 'openai', baseUrl: 'http://127.0.0.1:1/v1' }, model: 'm' }, context);
    const body = JSON.parse(next.body!) as { messages: Array<{ tool_calls?: Array<{ id: string }>; tool_call_id?: string }> };
    expect(body.messages[1]!.tool_calls![0]!.id).toBe(id);
    expect(body.messages[2]!.tool_call_id).toBe(id);
  });
});

describe('case 17: reasoning comes back as thinking', () => {
  it('turns DeepSeek reasoning_content into a thinking block before the text', () => {
    const message = parse(completion({ content: 'The answer is 4.', reasoning_content: '2 + 2 = 4.' }));
    expect(message.content).toEqual([
      { type: 'thinking', thinking: '2 + 2 = 4.', signature: '' },
      { type: 'text', text: 'The answer is 4.' },
    ]);
  });

  it("turns OpenRouter's reasoning field into a thinking block", () => {
    const message = parse(completion({ content: 'Yes.', reasoning: 'Checking the premise.' }));
    expect(message.content[0]).toEqual({ type: 'thinking', thinking: 'Checking the premise.', signature: '' });
  });
});

describe('case 21: tool arguments that are not valid JSON', () => {
  it.each([
    ["{'city': 'Oslo', 'days': 3}", { city: 'Oslo', days: 3 }],
    ['{"city": "Oslo",}', { city: 'Oslo' }],
    ['{"city": "Oslo"} I hope this helps!', { city: 'Oslo' }],
    ['{"city": "Oslo", "filters": {"rain": true', { city: 'Oslo', filters: { rain: true } }],
    ['```json\n{"city": "Oslo"}\n```', { city: 'Oslo' }],
    ['{"flag": True, "none": None}', { flag: true, none: null }],
    ['', {}],
  ])('repairs %j', (raw, input) => {
    const message = parse(completion({ content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: raw } }] }, 'tool_calls'));
    expect((message.content[0] as { input: unknown }).input).toEqual(input);
  });

  it('returns what cannot be repaired as _raw_arguments', () => {
    const message = parse(completion({ content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: 'city=Oslo' } }] }, 'tool_calls'));
    expect((message.content[0] as { input: unknown }).input).toEqual({ _raw_arguments: 'city=Oslo' });
  });

  it('takes arguments that a server sends as an object', () => {
    const message = parse(completion({ content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: { city: 'Oslo' } } }] }, 'tool_calls'));
    expect((message.content[0] as { input: unknown }).input).toEqual({ city: 'Oslo' });
  });
});

describe('error bodies with status 200', () => {
  it('throws an OpenAITranslationError carrying the Anthropic error (OpenRouter style)', () => {
    const call = () => parse({ error: { message: 'Provider returned error', code: 502 } });
    expect(call).toThrow(OpenAITranslationError);
    expect(call).toThrow(expect.objectContaining({ info: { status: 502, type: 'api_error', message: 'Upstream provider returned HTTP 502: Provider returned error' } }));
  });

  it('throws a clear error for a body without choices', () => {
    expect(() => parse({ id: 'x', choices: [] })).toThrow('Upstream provider returned a response without choices');
    expect(() => parse('<html>')).toThrow('Upstream provider returned a response that is not a JSON object');
  });
});
