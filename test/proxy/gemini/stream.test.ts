import { describe, expect, it } from 'vitest';
import type { MessagesResponse, StreamEvent } from '../../../src/proxy/anthropic-types.js';
import { geminiAdapter } from '../../../src/proxy/gemini/index.js';
import { decodeSignatures } from '../../../src/proxy/gemini/signature.js';
import type { TranslationContext } from '../../../src/proxy/provider.js';
import { validateStream } from './event-validator.js';
import { chunk, context, sse } from './fixtures.js';

const encoder = new TextEncoder();

/** Feeds `bytes` cut at the given offsets, then ends the stream. */
function translate(bytes: Uint8Array, cuts: number[] = [], ctx: TranslationContext = context(['get_weather', 'Read'])): StreamEvent[] {
  const translator = geminiAdapter.createStreamTranslator(ctx);
  const events: StreamEvent[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    events.push(...translator.push(bytes.subarray(from, cut)));
    from = cut;
  }
  events.push(...translator.end());
  return events;
}

/** Tool ids are random: name them by position, and decode signature envelopes, so messages compare. */
function normalize(message: MessagesResponse): unknown {
  const ids = new Map<string, string>();
  for (const block of message.content) if (block.type === 'tool_use') ids.set(block.id, `tool#${ids.size}`);
  return {
    ...message,
    content: message.content.map((block) => {
      if (block.type === 'tool_use') return { ...block, id: ids.get(block.id) };
      if (block.type === 'thinking') {
        return { ...block, signature: decodeSignatures(block.signature).map((e) => ({ ...e, toolUseId: e.toolUseId && ids.get(e.toolUseId) })) };
      }
      return block;
    }),
  };
}

/** The same chunks as one whole response, for the stream-equals-whole check. */
function merged(chunks: Array<Record<string, unknown>>): Record<string, unknown> {
  const parts = chunks.flatMap((c) => ((c.candidates as Array<{ content?: { parts?: unknown[] } }> | undefined)?.[0]?.content?.parts ?? []));
  const last = chunks[chunks.length - 1]!;
  const finishReason = (last.candidates as Array<{ finishReason?: string }> | undefined)?.[0]?.finishReason;
  return { candidates: [{ content: { role: 'model', parts }, finishReason, index: 0 }], usageMetadata: last.usageMetadata };
}

const FINAL_USAGE = { promptTokenCount: 120, candidatesTokenCount: 30, thoughtsTokenCount: 12, totalTokenCount: 162 };

const TEXT_STREAM = [
  chunk([{ text: 'Grüße aus Köln — ' }], {}, { promptTokenCount: 120, totalTokenCount: 120 }),
  chunk([{ text: '東京も🌸' }], {}, { promptTokenCount: 120, totalTokenCount: 125 }),
  chunk([{ text: ' done.' }], { finishReason: 'STOP' }, FINAL_USAGE),
];

const THOUGHT_TOOLS_STREAM = [
  chunk([{ text: '**Planning** I need the weather ', thought: true }], {}, { promptTokenCount: 120 }),
  chunk([{ text: 'and a file.', thought: true }], {}, { promptTokenCount: 120 }),
  chunk([
    { functionCall: { name: 'get_weather', args: { city: 'Zürich' } }, thoughtSignature: 'EiYKJGUyNDgzMGE3LTVjZDYtNDJmZS05OThiLWVlNTM5ZTcyYjljMw==' },
    { functionCall: { name: 'Read', args: { file_path: '/tmp/a b.txt' } } },
  ], { finishReason: 'STOP' }, FINAL_USAGE),
];

describe('Gemini stream → Anthropic events', () => {
  it('streams text in pieces, with the prompt count in message_start and final usage in message_delta', () => {
    const events = translate(encoder.encode(sse(TEXT_STREAM)));
    const { message } = validateStream(events);
    expect(events[0]).toMatchObject({ type: 'message_start', message: { usage: { input_tokens: 120, output_tokens: 0 } } });
    expect(message.content).toEqual([{ type: 'text', text: 'Grüße aus Köln — 東京も🌸 done.' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toEqual({ input_tokens: 120, output_tokens: 42 });
    expect(events.filter((e) => e.type === 'content_block_delta')).toHaveLength(3);
  });

  for (const [name, chunks] of [['text with multi-byte characters', TEXT_STREAM], ['thoughts and two calls in one chunk', THOUGHT_TOOLS_STREAM]] as const) {
    it(`gives the same message for every cut of the bytes: ${name}`, () => {
      const bytes = encoder.encode(sse(chunks));
      const expected = normalize(validateStream(translate(bytes)).message);
      for (let cut = 0; cut <= bytes.length; cut++) {
        expect(normalize(validateStream(translate(bytes, [cut])).message), `cut at byte ${cut}`).toEqual(expected);
        // An empty read at the cut (sockets can deliver one) changes nothing either.
        expect(normalize(validateStream(translate(bytes, [cut, cut])).message), `empty read at byte ${cut}`).toEqual(expected);
      }
      const everyByte = Array.from({ length: bytes.length }, (_, i) => i);
      expect(normalize(validateStream(translate(bytes, everyByte)).message)).toEqual(expected);
      // LF framing instead of CRLF reads the same.
      expect(normalize(validateStream(translate(encoder.encode(sse(chunks, '\n')))).message)).toEqual(expected);
    });

    it(`matches the whole-response translation: ${name}`, () => {
      const streamed = validateStream(translate(encoder.encode(sse(chunks)))).message;
      const whole = geminiAdapter.parseResponse(merged(chunks), context(['get_weather', 'Read']));
      expect(normalize(streamed)).toEqual(normalize(whole));
    });
  }

  it('writes thoughts as a thinking block whose signature_delta names the first call, then both calls', () => {
    const events = translate(encoder.encode(sse(THOUGHT_TOOLS_STREAM)));
    const { message } = validateStream(events);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content.map((b) => b.type)).toEqual(['thinking', 'tool_use', 'tool_use']);
    const [thinking, first, second] = message.content as unknown as [
      { thinking: string; signature: string }, { id: string; name: string; input: unknown }, { id: string; name: string; input: unknown },
    ];
    expect(thinking.thinking).toBe('**Planning** I need the weather and a file.');
    expect(decodeSignatures(thinking.signature)).toEqual([{ toolUseId: first.id, signature: 'EiYKJGUyNDgzMGE3LTVjZDYtNDJmZS05OThiLWVlNTM5ZTcyYjljMw==' }]);
    expect([first.name, first.input]).toEqual(['get_weather', { city: 'Zürich' }]);
    expect([second.name, second.input]).toEqual(['Read', { file_path: '/tmp/a b.txt' }]);
    expect(first.id).not.toBe(second.id);
    expect(events.some((e) => e.type === 'content_block_delta' && e.delta.type === 'signature_delta')).toBe(true);
    expect(message.usage).toEqual({ input_tokens: 120, output_tokens: 42 });
  });

  it('finishes a stream that ends without finishReason (end_turn, or tool_use after a call)', () => {
    const text = validateStream(translate(encoder.encode(sse([chunk([{ text: 'partial' }])])))).message;
    expect([text.content, text.stop_reason]).toEqual([[{ type: 'text', text: 'partial' }], 'end_turn']);
    const call = validateStream(translate(encoder.encode(sse([chunk([{ functionCall: { name: 'Read', args: {} } }])])))).message;
    expect(call.stop_reason).toBe('tool_use');
    const nothing = validateStream(translate(new Uint8Array())).message;
    expect([nothing.content, nothing.stop_reason, nothing.usage.input_tokens]).toEqual([[{ type: 'text', text: '' }], 'end_turn', 42]);
  });

  it('ends with an error event when Gemini reports an error mid-stream, and emits nothing after it', () => {
    const body = sse([TEXT_STREAM[0], { error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } }, TEXT_STREAM[2]]);
    const translator = geminiAdapter.createStreamTranslator(context());
    const events = translator.push(encoder.encode(body));
    const { message, error } = validateStream(events, { allowError: true });
    expect(message.content).toEqual([]);
    expect(events.some((e) => e.type === 'content_block_delta')).toBe(true);
    expect(error).toEqual({ type: 'overloaded_error', message: 'Gemini answered HTTP 503 UNAVAILABLE: The model is overloaded. Please try again later.' });
    expect(translator.push(encoder.encode(sse([TEXT_STREAM[2]])))).toEqual([]);
    expect(translator.end()).toEqual([]);
  });

  it('turns a malformed function call and an unreadable event into error events', () => {
    const malformed = translate(encoder.encode(sse([chunk([], { finishReason: 'MALFORMED_FUNCTION_CALL', finishMessage: 'bad call' })])));
    expect(validateStream(malformed, { allowError: true }).error).toEqual({
      type: 'api_error', message: 'Gemini could not complete the tool call (MALFORMED_FUNCTION_CALL): bad call. Retrying the request usually helps.',
    });
    const garbage = translate(encoder.encode('data: {"candidates": [\r\n\r\n'));
    expect(validateStream(garbage, { allowError: true }).error?.type).toBe('api_error');
  });

  it('reports a blocked prompt and a filtered answer as refusals with a visible reason', () => {
    const blocked = validateStream(translate(encoder.encode(sse([{ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 9 } }])))).message;
    expect([blocked.stop_reason, blocked.content]).toEqual(['refusal', [{ type: 'text', text: 'Gemini declined to answer: the prompt was blocked (SAFETY).' }]]);
    expect(blocked.usage.input_tokens).toBe(9);
    const filtered = validateStream(translate(encoder.encode(sse([chunk([{ text: 'Here is the so' }]), { candidates: [{ finishReason: 'RECITATION', index: 0 }] }])))).message;
    expect([filtered.stop_reason, filtered.content]).toEqual(['refusal', [{ type: 'text', text: 'Here is the so' }]]);
  });

  it('keeps counts a later chunk does not state, and reports cache reads', () => {
    const events = translate(encoder.encode(sse([
      chunk([{ text: 'a' }], {}, { promptTokenCount: 300, cachedContentTokenCount: 200 }),
      chunk([{ text: 'b' }], { finishReason: 'STOP' }, { candidatesTokenCount: 2 }),
    ])));
    expect(events[0]).toMatchObject({ message: { usage: { input_tokens: 100, cache_read_input_tokens: 200 } } });
    expect(validateStream(events).message.usage).toEqual({ input_tokens: 100, output_tokens: 2, cache_read_input_tokens: 200 });
  });

  it('reads the same streamed or whole when only thoughts came, or thoughts then a filter', () => {
    for (const chunks of [
      [chunk([{ text: 'Thinking hard', thought: true }], { finishReason: 'MAX_TOKENS' })],
      [chunk([{ text: 'Thinking hard', thought: true }]), { candidates: [{ finishReason: 'SAFETY', index: 0 }] }],
    ]) {
      const streamed = validateStream(translate(encoder.encode(sse(chunks)))).message;
      expect(normalize(streamed)).toEqual(normalize(geminiAdapter.parseResponse(merged(chunks), context(['get_weather', 'Read']))));
      expect(streamed.content[0]).toMatchObject({ type: 'thinking', thinking: 'Thinking hard' });
    }
  });

  it('maps MAX_TOKENS and recovers a stop sequence', () => {
    const max = validateStream(translate(encoder.encode(sse([chunk([{ text: 'long' }], { finishReason: 'MAX_TOKENS' })])))).message;
    expect(max.stop_reason).toBe('max_tokens');
    const ctx = context([], { stopSequences: ['###'] });
    const stopped = validateStream(translate(encoder.encode(sse([chunk([{ text: 'a #' }]), chunk([{ text: '##' }], { finishReason: 'STOP' })])), [], ctx)).message;
    expect([stopped.stop_reason, stopped.stop_sequence]).toEqual(['stop_sequence', '###']);
  });

  it("carries a text part's signature (Gemini 3 puts it on the last, often empty, part)", () => {
    const events = translate(encoder.encode(sse([chunk([{ text: 'All done.' }]), chunk([{ text: '', thoughtSignature: 'lastsig' }], { finishReason: 'STOP' }, FINAL_USAGE)])));
    const { message } = validateStream(events);
    expect(message.content[0]).toEqual({ type: 'text', text: 'All done.' });
    expect(message.content[1]!.type).toBe('thinking');
    expect(decodeSignatures((message.content[1] as { signature: string }).signature)).toEqual([{ signature: 'lastsig' }]);
  });
});
