/** The validator every stream test relies on must reject what the Messages API would never send. */
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../src/proxy/anthropic-types.js';
import { validateStream } from './event-validator.js';

const start: StreamEvent = {
  type: 'message_start',
  message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 0 } },
};
const textStart = (index: number): StreamEvent => ({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
const text = (index: number, t: string): StreamEvent => ({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: t } });
const stop = (index: number): StreamEvent => ({ type: 'content_block_stop', index });
const end: StreamEvent[] = [{ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 3 } }, { type: 'message_stop' }];

describe('event-sequence validator', () => {
  it('accepts a valid stream and assembles its message', () => {
    expect(validateStream([start, textStart(0), text(0, 'a'), text(0, 'b'), stop(0), ...end]).message.content).toEqual([{ type: 'text', text: 'ab' }]);
  });

  it.each<[string, StreamEvent[]]>([
    ['no message_start', [textStart(0), text(0, 'a'), stop(0), ...end]],
    ['a delta after its block stopped', [start, textStart(0), stop(0), text(0, 'a'), ...end]],
    ['two blocks open at once', [start, textStart(0), textStart(1), stop(1), stop(0), ...end]],
    ['a skipped index', [start, textStart(1), stop(1), ...end]],
    ['a delta that does not fit the block', [start, textStart(0), { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{}' } }, stop(0), ...end]],
    ['no message_stop', [start, textStart(0), stop(0), end[0]!]],
    ['empty content', [start, ...end]],
    ['events after message_stop', [start, textStart(0), stop(0), ...end, { type: 'ping' }]],
    ['an unexpected error', [start, { type: 'error', error: { type: 'api_error', message: 'x' } }]],
    ['tool input that is not JSON', [start, { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: 't', input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"a":' } }, stop(0), ...end]],
    ['a tool id with bad characters', [start, { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'call:1', name: 't', input: {} } }, stop(0), ...end]],
  ])('rejects %s', (_name, events) => {
    expect(() => validateStream(events)).toThrow();
  });
});
