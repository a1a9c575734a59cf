import { describe, expect, it } from 'vitest';
import type { MessagesResponse, StreamEvent } from './anthropic-types.js';
import { firstStop, localStops, withLocalStops } from './local-stops.js';
import type { ProviderAdapter, StreamTranslator, TranslationContext } from './provider.js';
import { AnthropicStreamBuilder } from './stream-builder.js';

const STOPS = ['<1>', '<2>', '<3>', '<4>', 'STOP', 'HALT!'];

/** An adapter whose translator replays text pieces, one per pushed chunk, through the real builder. */
function fakeAdapter(message: MessagesResponse): ProviderAdapter {
  return {
    kind: 'openai',
    buildRequest: () => { throw new Error('unused'); },
    translateError: () => ({ status: 500, type: 'api_error', message: 'unused' }),
    parseResponse: () => structuredClone(message),
    createStreamTranslator: (): StreamTranslator => {
      const builder = new AnthropicStreamBuilder({ id: 'msg_1', model: 'm', inputTokens: 3 });
      return {
        push(chunk) {
          builder.text(new TextDecoder().decode(chunk));
          return builder.drain();
        },
        end() {
          builder.finish('end_turn');
          return builder.drain();
        },
      };
    },
  };
}

const context = (stopSequences: string[]): TranslationContext => ({ messageId: 'msg_1', requestModel: 'm', estimatedInputTokens: 3, toolNames: { toUpstream: (n) => n, fromUpstream: (n) => n }, stopSequences });

function run(pieces: string[], stops = STOPS): { text: string; events: StreamEvent[]; translator: StreamTranslator } {
  const translator = withLocalStops(fakeAdapter({} as MessagesResponse), 4).createStreamTranslator(context(stops));
  const events: StreamEvent[] = [];
  for (const piece of pieces) events.push(...translator.push(new TextEncoder().encode(piece)));
  events.push(...translator.end());
  const text = events.map((e) => (e.type === 'content_block_delta' && e.delta.type === 'text_delta' ? e.delta.text : '')).join('');
  return { text, events, translator };
}

describe('stop sequences past the provider limit', () => {
  it('leaves the first N to the provider and watches the rest', () => {
    expect(localStops(STOPS, 4)).toEqual(['STOP', 'HALT!']);
    expect(localStops(['a', '', 'b'], 4)).toEqual([]);
    expect(localStops(['a', '', 'b', 'c', 'd', 'e'], 4)).toEqual(['e']);
  });

  it('picks the match that ends first, as generation would stop there', () => {
    expect(firstStop('xx HALT! STOP', ['STOP', 'HALT!'])).toEqual({ at: 3, sequence: 'HALT!' });
    expect(firstStop('abcdef', ['cdef', 'bcd'])).toEqual({ at: 1, sequence: 'bcd' });
    expect(firstStop('nothing here', ['STOP'])).toBeUndefined();
  });

  it('cuts a stream before a stop sequence split across deltas and ends it like Anthropic', () => {
    const { text, events, translator } = run(['Alpha be', 'ta ST', 'OP gamma', ' delta']);
    expect(text).toBe('Alpha beta ');
    expect(translator.stoppedEarly).toBe(true);
    const types = events.map((e) => e.type).filter((t, i, all) => t !== all[i - 1]);
    expect(types).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    const delta = events.find((e) => e.type === 'message_delta');
    expect(delta).toMatchObject({ delta: { stop_reason: 'stop_sequence', stop_sequence: 'STOP' } });
    expect((delta as { usage: { output_tokens: number } }).usage.output_tokens).toBeGreaterThan(0);
  });

  it('passes a stream without a match through whole, held-back tail included', () => {
    const { text, events, translator } = run(['Alpha ST', 'O', 'Q', ' end HAL']);
    expect(text).toBe('Alpha STOQ end HAL');
    expect(translator.stoppedEarly).toBe(false);
    expect(events.find((e) => e.type === 'message_delta')).toMatchObject({ delta: { stop_reason: 'end_turn' } });
  });

  it('never splits a surrogate pair when it holds text back', () => {
    const { events } = run(['a😀', 'b', 'c'], [...STOPS.slice(0, 4), 'xyz']);
    for (const e of events) {
      if (e.type !== 'content_block_delta' || e.delta.type !== 'text_delta') continue;
      expect(e.delta.text).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
    }
  });

  it('adds nothing when the request has no more stops than the provider takes', () => {
    const adapter = fakeAdapter({} as MessagesResponse);
    const inner = adapter.createStreamTranslator(context(STOPS.slice(0, 4)));
    const wrapped = withLocalStops(adapter, 4).createStreamTranslator(context(STOPS.slice(0, 4)));
    expect(Object.getPrototypeOf(wrapped)).toBe(Object.getPrototypeOf(inner));
  });

  it('cuts a whole answer at the first match and drops the blocks after it', () => {
    const message: MessagesResponse = {
      id: 'msg_1', type: 'message', role: 'assistant', model: 'm', stop_reason: 'tool_use', stop_sequence: null,
      usage: { input_tokens: 3, output_tokens: 9 },
      content: [
        { type: 'thinking', thinking: 'hmm', signature: '' },
        { type: 'text', text: 'Answer: 42 HALT! then more' },
        { type: 'tool_use', id: 'toolu_1', name: 'x', input: {} },
      ],
    };
    const cut = withLocalStops(fakeAdapter(message), 4).parseResponse({}, context(STOPS));
    expect(cut.content).toEqual([{ type: 'thinking', thinking: 'hmm', signature: '' }, { type: 'text', text: 'Answer: 42 ' }]);
    expect(cut.stop_reason).toBe('stop_sequence');
    expect(cut.stop_sequence).toBe('HALT!');
    expect(cut.usage.output_tokens).toBe(9);
  });
});
