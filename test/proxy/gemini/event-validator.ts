/**
 * Checks that a list of Anthropic stream events is one the Messages API could have sent
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming): message_start first with
 * numeric usage; blocks one at a time with consecutive indexes, each start → deltas → stop with
 * deltas that fit the block type; message_delta then message_stop last; or an `error` event after
 * which nothing follows. Returns the message the events add up to, as a client would assemble it.
 */
import type { ContentBlock, MessagesResponse, StreamEvent } from '../../../src/proxy/anthropic-types.js';

export interface ValidatedStream {
  message: MessagesResponse;
  /** The error event's body, when the stream ended with one. */
  error?: { type: string; message: string };
}

const DELTA_FOR: Record<string, string[]> = {
  text: ['text_delta'],
  thinking: ['thinking_delta', 'signature_delta'],
  tool_use: ['input_json_delta'],
};

export function validateStream(events: StreamEvent[], options: { allowError?: boolean } = {}): ValidatedStream {
  const fail = (i: number, why: string): never => {
    throw new Error(`event ${i} (${JSON.stringify(events[i])?.slice(0, 200)}): ${why}`);
  };
  let message: MessagesResponse | undefined;
  let open: { index: number; block: ContentBlock; json: string } | undefined;
  let nextIndex = 0;
  let sawDelta = false;
  let stopped = false;
  const toolIds = new Set<string>();

  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (stopped) fail(i, 'event after message_stop');
    if (event.type === 'error') {
      if (!options.allowError) fail(i, 'unexpected error event');
      if (i !== events.length - 1) fail(i, 'events after an error event');
      if (typeof event.error?.message !== 'string' || typeof event.error?.type !== 'string') fail(i, 'error event without type and message');
      return { message: message ?? emptyMessage(), error: event.error };
    }
    if (event.type === 'ping') continue;
    if (event.type === 'message_start') {
      if (message) fail(i, 'second message_start');
      if (i !== 0) fail(i, 'message_start is not first');
      const usage = event.message.usage;
      if (typeof usage?.input_tokens !== 'number' || typeof usage?.output_tokens !== 'number') fail(i, 'message_start without numeric usage');
      if (event.message.content.length !== 0) fail(i, 'message_start with content');
      message = structuredClone(event.message);
      continue;
    }
    if (!message) fail(i, 'event before message_start');
    const msg = message!;
    switch (event.type) {
      case 'content_block_start': {
        if (sawDelta) fail(i, 'block after message_delta');
        if (open) fail(i, `block ${event.index} starts while block ${open.index} is open`);
        if (event.index !== nextIndex) fail(i, `index ${event.index}, expected ${nextIndex}`);
        const block = structuredClone(event.content_block);
        if (!(block.type in DELTA_FOR)) fail(i, `unexpected block type ${block.type}`);
        if (block.type === 'tool_use') {
          if (!/^[a-zA-Z0-9_-]+$/.test(block.id)) fail(i, `tool id ${block.id} does not match ^[a-zA-Z0-9_-]+$`);
          if (toolIds.has(block.id)) fail(i, `duplicate tool id ${block.id}`);
          toolIds.add(block.id);
        }
        open = { index: event.index, block, json: '' };
        nextIndex++;
        break;
      }
      case 'content_block_delta': {
        if (!open || open.index !== event.index) fail(i, 'delta for a block that is not open');
        const current = open!;
        if (!DELTA_FOR[current.block.type]!.includes(event.delta.type)) fail(i, `${event.delta.type} in a ${current.block.type} block`);
        const delta = event.delta;
        const block = current.block;
        if (delta.type === 'text_delta' && block.type === 'text') block.text += delta.text;
        else if (delta.type === 'thinking_delta' && block.type === 'thinking') block.thinking += delta.thinking;
        else if (delta.type === 'signature_delta' && block.type === 'thinking') block.signature = delta.signature;
        else if (delta.type === 'input_json_delta') current.json += delta.partial_json;
        break;
      }
      case 'content_block_stop': {
        if (!open || open.index !== event.index) fail(i, 'stop for a block that is not open');
        const current = open!;
        if (current.block.type === 'tool_use') {
          let input: unknown = {};
          if (current.json.length > 0) {
            try { input = JSON.parse(current.json); } catch { fail(i, `tool input is not JSON: ${current.json}`); }
          }
          if (!input || typeof input !== 'object' || Array.isArray(input)) fail(i, 'tool input is not an object');
          current.block.input = input;
        }
        msg.content.push(current.block);
        open = undefined;
        break;
      }
      case 'message_delta': {
        if (open) fail(i, 'message_delta while a block is open');
        if (sawDelta) fail(i, 'second message_delta');
        if (typeof event.usage?.output_tokens !== 'number') fail(i, 'message_delta without numeric output_tokens');
        sawDelta = true;
        msg.stop_reason = event.delta.stop_reason;
        msg.stop_sequence = event.delta.stop_sequence;
        msg.usage = { ...msg.usage, ...event.usage };
        break;
      }
      case 'message_stop': {
        if (!sawDelta) fail(i, 'message_stop without message_delta');
        stopped = true;
        break;
      }
      default:
        fail(i, 'unknown event type');
    }
  }
  if (!stopped) throw new Error('stream did not end with message_stop (nor an error event)');
  if (message!.content.length === 0) throw new Error('the message has no content blocks');
  if (message!.stop_reason === null) throw new Error('the message has no stop_reason');
  return { message: message! };
}

function emptyMessage(): MessagesResponse {
  return { id: '', type: 'message', role: 'assistant', model: '', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } };
}
