import { describe, expect, it } from 'vitest';
import type { StreamEvent } from './anthropic-types.js';
import { AnthropicStreamBuilder, formatSseEvent } from './stream-builder.js';

/** The ordering rules of Anthropic's streaming format, checked on any event list. */
function assertValidSequence(events: StreamEvent[]): void {
  expect(events[0]?.type).toBe('message_start');
  expect(events.at(-1)?.type).toBe('message_stop');
  expect(events.at(-2)?.type).toBe('message_delta');
  let open: number | undefined;
  const closed = new Set<number>();
  let next = 0;
  for (const event of events) {
    if (event.type === 'content_block_start') {
      expect(open, 'a block opened while another is open').toBeUndefined();
      expect(event.index).toBe(next++);
      open = event.index;
    } else if (event.type === 'content_block_delta') {
      expect(closed.has(event.index), `delta after stop for block ${event.index}`).toBe(false);
      expect(event.index).toBe(open);
    } else if (event.type === 'content_block_stop') {
      expect(event.index).toBe(open);
      closed.add(event.index);
      open = undefined;
    }
  }
  expect(open).toBeUndefined();
}

const start = { id: 'msg_test', model: 'claude-sonnet-4-5', inputTokens: 42 };

describe('AnthropicStreamBuilder', () => {
  it('opens with message_start carrying numeric usage, even before any upstream usage', () => {
    const builder = new AnthropicStreamBuilder(start);
    builder.text('hi');
    const [first] = builder.drain();
    expect(first).toMatchObject({ type: 'message_start', message: { id: 'msg_test', usage: { input_tokens: 42, output_tokens: 0 } } });
  });

  it('switches between thinking and text blocks, each closed before the next opens', () => {
    const builder = new AnthropicStreamBuilder(start);
    builder.thinking('let me think');
    builder.thinkingSignature('sig');
    builder.text('answer');
    builder.text(' continues');
    builder.finish('end_turn');
    const events = builder.drain();
    assertValidSequence(events);
    expect(events.filter((e) => e.type === 'content_block_start').map((e) => (e as { content_block: { type: string } }).content_block.type)).toEqual(['thinking', 'text']);
  });

  it('gives interleaved parallel tool calls their own blocks, with every argument delivered', () => {
    const builder = new AnthropicStreamBuilder(start);
    builder.text('Calling two tools.');
    builder.toolStart(0, 'call_a', 'read');
    builder.toolStart(1, 'call_b', 'write');
    builder.toolArguments(0, '{"path":');
    builder.toolArguments(1, '{"path":"b"');
    builder.toolArguments(0, '"a"}');
    builder.toolArguments(1, ',"text":"x"}');
    builder.finish('tool_use');
    const events = builder.drain();
    assertValidSequence(events);
    const argsByBlock = new Map<number, string>();
    for (const e of events) {
      if (e.type === 'content_block_delta' && e.delta.type === 'input_json_delta') {
        argsByBlock.set(e.index, (argsByBlock.get(e.index) ?? '') + e.delta.partial_json);
      }
    }
    expect([...argsByBlock.values()].map((s) => JSON.parse(s))).toEqual([{ path: 'a' }, { path: 'b', text: 'x' }]);
  });

  it('holds text that arrives while a tool call streams and emits it after, never dropping it', () => {
    const builder = new AnthropicStreamBuilder(start);
    builder.toolStart('t', 'call_1', 'search');
    builder.toolArguments('t', '{}');
    builder.text('late words');
    builder.finish('tool_use');
    const events = builder.drain();
    assertValidSequence(events);
    expect(events.some((e) => e.type === 'content_block_delta' && e.delta.type === 'text_delta' && e.delta.text === 'late words')).toBe(true);
  });

  it('ends with message_delta carrying the stop reason and the last usage, then message_stop, once', () => {
    const builder = new AnthropicStreamBuilder(start);
    builder.text('x');
    builder.updateUsage({ input_tokens: 50, output_tokens: 7, cache_read_input_tokens: 10 });
    builder.finish('max_tokens');
    builder.finish('end_turn');
    builder.text('after the end');
    const events = builder.drain();
    assertValidSequence(events);
    expect(events.filter((e) => e.type === 'message_delta')).toEqual([
      { type: 'message_delta', delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { input_tokens: 50, output_tokens: 7, cache_read_input_tokens: 10 } },
    ]);
  });

  it('produces a valid message for an upstream that said nothing at all', () => {
    const builder = new AnthropicStreamBuilder(start);
    builder.finish('end_turn');
    const events = builder.drain();
    expect(events.map((e) => e.type)).toEqual(['message_start', 'message_delta', 'message_stop']);
  });

  it('serialises events the way the API sends them', () => {
    expect(formatSseEvent({ type: 'ping' })).toBe('event: ping\ndata: {"type":"ping"}\n\n');
  });
});
