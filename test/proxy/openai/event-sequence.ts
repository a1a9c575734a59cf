/**
 * Checks a stream of Anthropic events against the ordering rules of the Messages streaming API
 * (https://docs.anthropic.com/en/api/messages-streaming) and assembles the message the way the
 * official SDK does, so tests can assert both "the sequence is valid" and "this is what the
 * client ends up with". Every stream test runs its output through `validateEventSequence`.
 */
import type { ContentBlock, MessagesResponse, StreamEvent } from '../../../src/proxy/anthropic-types.js';

export interface ValidatedStream {
  /** The message as a client assembles it; tool inputs parsed from their input_json_deltas. */
  message: MessagesResponse;
  /** Set when the stream ended with an `error` event. */
  error?: { type: string; message: string };
  /** message_stop was seen. */
  complete: boolean;
}

const DELTA_FOR_BLOCK: Record<string, string[]> = {
  text: ['text_delta'],
  tool_use: ['input_json_delta'],
  thinking: ['thinking_delta', 'signature_delta'],
};

export function validateEventSequence(events: StreamEvent[]): ValidatedStream {
  let message: MessagesResponse | undefined;
  let open: { index: number; block: ContentBlock; json: string } | undefined;
  let nextIndex = 0;
  let sawDelta = false;
  let complete = false;
  let error: ValidatedStream['error'];
  const fail = (i: number, why: string): never => {
    throw new Error(`event ${i} (${events[i]?.type}): ${why}\n${events.map((e, n) => `${n}: ${JSON.stringify(e)}`).join('\n')}`);
  };
  events.forEach((event, i) => {
    if (complete || error) fail(i, 'an event after message_stop or error');
    if (event.type === 'error') { error = event.error; return; }
    if (event.type === 'ping') return;
    if (event.type === 'message_start') {
      if (message) fail(i, 'a second message_start');
      const usage = event.message.usage;
      if (typeof usage.input_tokens !== 'number' || typeof usage.output_tokens !== 'number') fail(i, 'message_start usage is not numeric');
      if (!/^msg_/.test(event.message.id)) fail(i, 'message id does not start with msg_');
      message = { ...event.message, content: [] };
      return;
    }
    if (!message) return fail(i, 'before message_start');
    switch (event.type) {
      case 'content_block_start':
        if (sawDelta) fail(i, 'a block after message_delta');
        if (open) fail(i, `block ${open.index} is still open`);
        if (event.index !== nextIndex) fail(i, `index ${event.index}, expected ${nextIndex}`);
        nextIndex++;
        open = { index: event.index, block: structuredClone(event.content_block), json: '' };
        return;
      case 'content_block_delta': {
        if (!open || open.index !== event.index) return fail(i, `delta for block ${event.index}, which is not open`);
        if (!DELTA_FOR_BLOCK[open.block.type]?.includes(event.delta.type)) fail(i, `${event.delta.type} in a ${open.block.type} block`);
        const block = open.block as unknown as Record<string, string>;
        if (event.delta.type === 'text_delta') block.text += event.delta.text;
        else if (event.delta.type === 'thinking_delta') block.thinking += event.delta.thinking;
        else if (event.delta.type === 'signature_delta') block.signature = (block.signature ?? '') + event.delta.signature;
        else open.json += event.delta.partial_json;
        return;
      }
      case 'content_block_stop':
        if (!open || open.index !== event.index) return fail(i, `stop for block ${event.index}, which is not open`);
        if (open.block.type === 'tool_use') {
          try {
            const input: unknown = open.json.length === 0 ? {} : JSON.parse(open.json);
            if (typeof input !== 'object' || input === null || Array.isArray(input)) fail(i, 'tool input is not an object');
            open.block.input = input;
          } catch (cause) {
            fail(i, `tool input is not valid JSON: ${open.json} (${String(cause)})`);
          }
        }
        message.content.push(open.block);
        open = undefined;
        return;
      case 'message_delta':
        if (open) fail(i, `message_delta while block ${open.index} is open`);
        if (sawDelta) fail(i, 'a second message_delta');
        if (typeof event.usage.output_tokens !== 'number') fail(i, 'message_delta usage.output_tokens is not numeric');
        sawDelta = true;
        message.stop_reason = event.delta.stop_reason;
        message.stop_sequence = event.delta.stop_sequence;
        message.usage = { ...message.usage, ...event.usage };
        return;
      case 'message_stop':
        if (!sawDelta) fail(i, 'message_stop without message_delta');
        complete = true;
        return;
    }
  });
  if (!error && !complete) throw new Error(`stream ended without message_stop or error:\n${events.map((e) => JSON.stringify(e)).join('\n')}`);
  if (complete && message && message.content.length === 0) throw new Error('a complete message with empty content');
  return { message: message ?? emptyMessage(), error, complete };
}

function emptyMessage(): MessagesResponse {
  return { id: '', type: 'message', role: 'assistant', model: '', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } };
}
