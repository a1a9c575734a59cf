/**
 * Streamed Chat Completions → Anthropic events. Upstream streams are written as OpenAI-compatible
 * servers write them (role chunk, content deltas, interleaved tool_call deltas, a finish chunk, a
 * usage-only chunk with `choices: []`, `[DONE]`), and every output goes through the sequence
 * validator, which also assembles the message as the official SDK would.
 */
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../src/proxy/anthropic-types.js';
import { openaiAdapter } from '../../../src/proxy/openai/index.js';
import { validateEventSequence } from './event-sequence.js';
import { chunk, contextFor, sse, translateStream, usageChunk } from './helpers.js';

const roleChunk = chunk({ role: 'assistant', content: '', refusal: null });

function toolDelta(index: number, fields: { id?: string; name?: string; args?: string }): unknown {
  const call: Record<string, unknown> = { index };
  if (fields.id !== undefined) { call.id = fields.id; call.type = 'function'; }
  const fn: Record<string, string> = {};
  if (fields.name !== undefined) fn.name = fields.name;
  if (fields.args !== undefined) fn.arguments = fields.args;
  call.function = fn;
  return chunk({ tool_calls: [call] });
}

describe('case 4: parallel tool calls interleaved by index', () => {
  const upstream = sse([
    chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_A', type: 'function', function: { name: 'Bash', arguments: '' } }] }),
    toolDelta(0, { args: '{"comm' }),
    toolDelta(1, { id: 'call_B', name: 'Read', args: '' }),
    toolDelta(1, { args: '{"file_path":' }),
    toolDelta(0, { args: 'and":"ls"}' }),
    toolDelta(1, { args: '"a.md"}' }),
    chunk({}, 'tool_calls'),
    usageChunk(2000, 30),
  ]);

  it('gives each index its own block; the second is held and sent whole after the first closes', () => {
    const events = translateStream(upstream);
    expect(events).toEqual([
      { type: 'message_start', message: { id: 'msg_01TestMessage0000000001', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1234, output_tokens: 0 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'call_A', name: 'Bash', input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"comm' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: 'and":"ls"}' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'call_B', name: 'Read', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"file_path":"a.md"}' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: 2000, output_tokens: 30 } },
      { type: 'message_stop' },
    ]);
    expect(validateEventSequence(events).message.content).toEqual([
      { type: 'tool_use', id: 'call_A', name: 'Bash', input: { command: 'ls' } },
      { type: 'tool_use', id: 'call_B', name: 'Read', input: { file_path: 'a.md' } },
    ]);
  });

  it('separates complete calls that a server sends all at index 0 (older Ollama)', () => {
    const events = translateStream(sse([
      roleChunk,
      chunk({ tool_calls: [{ index: 0, id: 'call_x1', type: 'function', function: { name: 'Read', arguments: '{"file_path":"a"}' } }] }),
      chunk({ tool_calls: [{ index: 0, id: 'call_x2', type: 'function', function: { name: 'Read', arguments: '{"file_path":"b"}' } }] }),
      chunk({}, 'tool_calls'),
    ]));
    expect(validateEventSequence(events).message.content).toEqual([
      { type: 'tool_use', id: 'call_x1', name: 'Read', input: { file_path: 'a' } },
      { type: 'tool_use', id: 'call_x2', name: 'Read', input: { file_path: 'b' } },
    ]);
  });

  it('follows calls by id when a server sends no index (Gemini OpenAI endpoint)', () => {
    const events = translateStream(sse([
      roleChunk,
      chunk({ tool_calls: [{ id: 'g1', type: 'function', function: { name: 'A', arguments: '{"n":1}' } }] }),
      chunk({ tool_calls: [{ id: 'g2', type: 'function', function: { name: 'B', arguments: '{"n":2}' } }] }),
      chunk({}, 'tool_calls'),
    ]));
    expect(validateEventSequence(events).message.content.map((b) => (b as { name: string }).name)).toEqual(['A', 'B']);
  });

  it('keeps text before the tool calls in its own block', () => {
    const events = translateStream(sse([roleChunk, chunk({ content: 'Let me look.' }), toolDelta(0, { id: 'call_1', name: 'Bash', args: '{"command":"pwd"}' }), chunk({}, 'tool_calls'), usageChunk(10, 5)]));
    expect(validateEventSequence(events).message.content).toEqual([
      { type: 'text', text: 'Let me look.' },
      { type: 'tool_use', id: 'call_1', name: 'Bash', input: { command: 'pwd' } },
    ]);
  });
});

describe('case 6: stop_sequence in a stream', () => {
  it('is recovered when the streamed text ends with a sequence, across deltas', () => {
    const context = contextFor({ stop_sequences: ['</answer>'] });
    const events = translateStream(sse([roleChunk, chunk({ content: '<answer>42</ans' }), chunk({ content: 'wer>' }), chunk({}, 'stop'), usageChunk(10, 5)]), context);
    const { message } = validateEventSequence(events);
    expect([message.stop_reason, message.stop_sequence]).toEqual(['stop_sequence', '</answer>']);
  });

  it('is null when it cannot be known', () => {
    const context = contextFor({ stop_sequences: ['</answer>'] });
    const { message } = validateEventSequence(translateStream(sse([roleChunk, chunk({ content: '<answer>42' }), chunk({}, 'stop')]), context));
    expect([message.stop_reason, message.stop_sequence]).toEqual(['end_turn', null]);
  });
});

describe('case 10: finish_reason in a stream', () => {
  it.each([['stop', 'end_turn'], ['length', 'max_tokens'], ['content_filter', 'refusal'], ['tool_calls', 'tool_use']])('%s → %s', (finish, stop) => {
    const { message } = validateEventSequence(translateStream(sse([roleChunk, chunk({ content: 'x' }), chunk({}, finish), usageChunk(3, 1)])));
    expect(message.stop_reason).toBe(stop);
  });
});

describe('case 11: a stream with no content still has a block', () => {
  it('sends one empty text block', () => {
    const events = translateStream(sse([roleChunk, chunk({}, 'stop'), usageChunk(20, 0)]));
    expect(events.slice(1, 3)).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_stop', index: 0 },
    ]);
    expect(validateEventSequence(events).message.content).toEqual([{ type: 'text', text: '' }]);
  });
});

describe('case 12: usage arrives after finish_reason', () => {
  it('starts with the estimate, waits for [DONE], and reports real usage with cache reads split out', () => {
    const translator = openaiAdapter.createStreamTranslator(contextFor());
    const enc = (s: string) => new TextEncoder().encode(s);
    const events: StreamEvent[] = [];
    events.push(...translator.push(enc(sse([roleChunk, chunk({ content: 'Hello' })], false))));
    expect(events[0]).toMatchObject({ type: 'message_start', message: { usage: { input_tokens: 1234, output_tokens: 0 } } });
    const afterFinish = translator.push(enc(sse([chunk({}, 'stop')], false)));
    expect(afterFinish.map((e) => e.type)).not.toContain('message_delta');
    const afterUsage = translator.push(enc(sse([usageChunk(12000, 30, 11520)], false)));
    expect(afterUsage.map((e) => e.type)).not.toContain('message_delta');
    const atDone = translator.push(enc('data: [DONE]\n\n'));
    events.push(...afterFinish, ...afterUsage, ...atDone, ...translator.end());
    expect(atDone.slice(-2)).toEqual([
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { input_tokens: 480, output_tokens: 30, cache_read_input_tokens: 11520 } },
      { type: 'message_stop' },
    ]);
    validateEventSequence(events);
  });

  it('finishes at the end of a stream that has a finish_reason but no [DONE]', () => {
    const events = translateStream(sse([roleChunk, chunk({ content: 'Hi' }), chunk({}, 'stop'), usageChunk(7, 2)], false));
    const { message, complete } = validateEventSequence(events);
    expect(complete).toBe(true);
    expect(message.usage).toEqual({ input_tokens: 7, output_tokens: 2 });
  });

  it('uses real usage in message_start when the server reports it on every chunk (vLLM continuous usage)', () => {
    const withUsage = (delta: Record<string, unknown>, finish: string | null, completion: number) => ({ ...(chunk(delta, finish) as object), usage: { prompt_tokens: 50, completion_tokens: completion, total_tokens: 50 + completion } });
    const events = translateStream(sse([withUsage({ role: 'assistant', content: '' }, null, 0), withUsage({ content: 'Hi' }, null, 1), withUsage({}, 'stop', 2)]));
    expect(events[0]).toMatchObject({ type: 'message_start', message: { usage: { input_tokens: 50, output_tokens: 0 } } });
    expect(validateEventSequence(events).message.usage).toEqual({ input_tokens: 50, output_tokens: 2 });
  });

  it('keeps the estimate when the server sends no usage at all', () => {
    const { message } = validateEventSequence(translateStream(sse([roleChunk, chunk({ content: 'Hi' }), chunk({}, 'stop')])));
    expect(message.usage).toEqual({ input_tokens: 1234, output_tokens: 0 });
  });
});

describe('case 13: ids and names in a stream', () => {
  it('sanitises tool ids, generates missing ones and maps shortened names back', () => {
    const long = `mcp__${'an_mcp_server_with_a_long_name_'.repeat(2)}__fetch_page`;
    const context = contextFor({ tools: [{ name: long, input_schema: {} }] });
    const events = translateStream(sse([
      roleChunk,
      toolDelta(0, { id: 'functions.fetch_page:0', name: context.toolNames.toUpstream(long), args: '{}' }),
      chunk({ tool_calls: [{ index: 1, type: 'function', function: { name: 'Bash', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
    ]), context);
    const { message } = validateEventSequence(events);
    expect(message.id).toBe('msg_01TestMessage0000000001');
    const [first, second] = message.content as Array<{ id: string; name: string }>;
    expect(first!.name).toBe(long);
    expect(first!.id).toMatch(/^functions_fetch_page_0_[0-9a-f]{10}$/);
    expect(second).toMatchObject({ id: 'toolu_01TestMessage0000000001_1', name: 'Bash' });
  });
});

describe('case 14: pings are the server’s job', () => {
  it('emits none itself, and its sequences stay valid with pings inserted anywhere', () => {
    const events = translateStream(sse([roleChunk, chunk({ content: 'a' }), toolDelta(0, { id: 'c', name: 'Bash', args: '{}' }), chunk({}, 'tool_calls')]));
    expect(events.some((e) => e.type === 'ping')).toBe(false);
    for (let at = 1; at <= events.length - 1; at++) {
      validateEventSequence([...events.slice(0, at), { type: 'ping' }, ...events.slice(at)]);
    }
  });
});

describe('case 15: an error inside a stream', () => {
  it('becomes an error event, after which nothing is sent (OpenRouter mid-stream error)', () => {
    const events = translateStream(sse([
      roleChunk,
      chunk({ content: 'Partial' }),
      { id: 'gen-1', object: 'chat.completion.chunk', provider: 'Together', error: { code: 502, message: 'Provider disconnected unexpectedly' }, choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }] },
      chunk({ content: 'never seen' }),
    ]));
    const result = validateEventSequence(events);
    expect(result.error).toEqual({ type: 'api_error', message: 'Upstream provider returned HTTP 502: Provider disconnected unexpectedly' });
    expect(events.at(-1)).toEqual({ type: 'error', error: result.error });
    expect(JSON.stringify(events)).not.toContain('never seen');
  });

  it('reports finish_reason "error" without an error object as an error, not a finished answer', () => {
    const events = translateStream(sse([roleChunk, chunk({ content: 'Par' }), chunk({}, 'error')]));
    expect(validateEventSequence(events).error).toEqual({ type: 'api_error', message: 'Upstream provider ended the response with finish_reason "error"' });
  });

  it('maps a rate limit reported in the stream', () => {
    const events = translateStream(sse([{ error: { message: 'Rate limit exceeded: free-models-per-min', code: 429 } }]));
    expect(events).toEqual([{ type: 'error', error: { type: 'rate_limit_error', message: 'Upstream provider returned HTTP 429: Rate limit exceeded: free-models-per-min' } }]);
  });
});

describe('case 17: reasoning deltas become a thinking block', () => {
  it.each(['reasoning_content', 'reasoning'])('from %s', (field) => {
    const events = translateStream(sse([
      chunk({ role: 'assistant', content: null, [field]: '' }),
      chunk({ [field]: 'The user wants ' }),
      chunk({ [field]: 'a greeting.' }),
      chunk({ content: 'Hello!' }),
      chunk({}, 'stop'),
      usageChunk(12, 40),
    ]));
    expect(validateEventSequence(events).message.content).toEqual([
      { type: 'thinking', thinking: 'The user wants a greeting.', signature: '' },
      { type: 'text', text: 'Hello!' },
    ]);
  });
});

describe('case 20: parsing across chunk boundaries', () => {
  const upstream = sse([
    roleChunk,
    chunk({ reasoning_content: 'Ünïcödé thinking … 思考' }),
    chunk({ content: 'naïve café 😀 日本語' }),
    chunk({ content: ' and more — “quoted”' }),
    toolDelta(0, { id: 'call_Z', name: 'Write', args: '{"content":"😀 é' }),
    toolDelta(0, { args: '"}' }),
    chunk({}, 'tool_calls'),
    usageChunk(100, 20, 64),
  ]);
  const bytes = new TextEncoder().encode(upstream);
  const reference = translateStream(bytes);

  it('produces the reference sequence', () => {
    const { message } = validateEventSequence(reference);
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Ünïcödé thinking … 思考', signature: '' },
      { type: 'text', text: 'naïve café 😀 日本語 and more — “quoted”' },
      { type: 'tool_use', id: 'call_Z', name: 'Write', input: { content: '😀 é' } },
    ]);
    expect(message.usage).toEqual({ input_tokens: 36, output_tokens: 20, cache_read_input_tokens: 64 });
  });

  it('gives the same events with the stream cut at every byte offset (including inside UTF-8 characters)', () => {
    const multiByteCuts = [...bytes.keys()].filter((i) => i > 0 && (bytes[i]! & 0xc0) === 0x80);
    expect(multiByteCuts.length).toBeGreaterThan(20);
    for (let cut = 1; cut < bytes.length; cut++) expect(translateStream(bytes, contextFor(), [cut])).toEqual(reference);
  });

  it('gives the same events with one byte per chunk, and with CRLF line ends', () => {
    expect(translateStream(bytes, contextFor(), [...bytes.keys()].slice(1))).toEqual(reference);
    const crlf = new TextEncoder().encode(upstream.replace(/\n/g, '\r\n'));
    expect(translateStream(crlf, contextFor(), [...crlf.keys()].filter((i) => i % 7 === 0 && i > 0))).toEqual(reference);
  });

  it('reports an HTML error page instead of a stream as an upstream error', () => {
    const html = '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n';
    const events = translateStream(html, contextFor(), [10, 50]);
    expect(events).toEqual([{ type: 'error', error: { type: 'api_error', message: 'Upstream provider sent no event stream: 502 Bad Gateway (an HTML page, not an API response)' } }]);
  });

  it('reports a JSON error body sent instead of a stream with its own status', () => {
    const events = translateStream('{"error":{"message":"Incorrect API key provided: sk-proj-abc***xyz.","type":"invalid_request_error","code":"invalid_api_key"}}', contextFor());
    expect(events).toEqual([{ type: 'error', error: { type: 'invalid_request_error', message: 'Upstream provider error: Incorrect API key provided: [redacted]' } }]);
  });

  it('reports a data line that is not JSON', () => {
    const events = translateStream('data: {"choices":[{"delta":{"content":"ok"}}]}\n\ndata: <html>oops</html>\n\n');
    expect(validateEventSequence(events).error).toEqual({ type: 'api_error', message: 'Upstream provider sent a stream event that is not JSON: <html>oops</html>' });
  });
});

describe('a stream cut off', () => {
  it('without [DONE] or finish_reason ends with an error event, keeping what arrived', () => {
    const events = translateStream(sse([roleChunk, chunk({ content: 'The answer is' })], false));
    const result = validateEventSequence(events);
    expect(result.complete).toBe(false);
    expect(result.error).toEqual({ type: 'api_error', message: 'Upstream provider closed the stream before the response was complete (no finish_reason)' });
    expect(events[2]).toEqual({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'The answer is' } });
  });

  it('with nothing at all is an error too', () => {
    expect(translateStream('')).toEqual([{ type: 'error', error: { type: 'api_error', message: 'Upstream provider closed the stream without sending anything' } }]);
  });
});

describe('case 21: streamed tool arguments that are not valid JSON', () => {
  function toolStream(pieces: string[], finish = 'tool_calls'): StreamEvent[] {
    return translateStream(sse([roleChunk, toolDelta(0, { id: 'call_1', name: 'Write', args: '' }), ...pieces.map((args) => toolDelta(0, { args })), chunk({}, finish)]));
  }
  const inputOf = (events: StreamEvent[]) => (validateEventSequence(events).message.content[0] as { input: unknown }).input;
  const deltasOf = (events: StreamEvent[]) => events.flatMap((e) => (e.type === 'content_block_delta' && e.delta.type === 'input_json_delta' ? [e.delta.partial_json] : []));

  it('forwards valid arguments as they come, unchanged (a comma waits for the next value)', () => {
    const events = toolStream(['{"file_path": "/tmp/a",', ' "content": "hi"}']);
    expect(deltasOf(events)).toEqual(['{"file_path": "/tmp/a"', ', "content": "hi"}']);
    expect(inputOf(events)).toEqual({ file_path: '/tmp/a', content: 'hi' });
  });

  it('repairs single quotes at the end', () => {
    const events = toolStream(["{'file_path': '/tmp/a',", " 'content': 'it\\'s'}"]);
    expect(deltasOf(events)[0]).toBe('{');
    expect(inputOf(events)).toEqual({ file_path: '/tmp/a', content: "it's" });
  });

  it('holds a comma until a value follows, so a trailing comma can be dropped', () => {
    const events = toolStream(['{"a": 1,', ' }']);
    expect(deltasOf(events).join('')).toBe('{"a": 1}');
    expect(inputOf(events)).toEqual({ a: 1 });
  });

  it('drops text after the object', () => {
    expect(inputOf(toolStream(['{"a": "b"}', '\nDone! Let me know.']))).toEqual({ a: 'b' });
  });

  it('closes arguments cut off by max_tokens', () => {
    const events = toolStream(['{"file_path": "/tmp/a", "content": "line 1\\nline'], 'length');
    expect(inputOf(events)).toEqual({ file_path: '/tmp/a', content: 'line 1\nline' });
    expect(validateEventSequence(events).message.stop_reason).toBe('max_tokens');
  });

  it('returns unrepairable arguments as _raw_arguments beside what was already sent', () => {
    expect(inputOf(toolStream(['{"a": 1 ', 'garbage (x']))).toEqual({ a: 1, _raw_arguments: '{"a": 1 garbage (x' });
  });

  it('returns arguments that are not an object at all as _raw_arguments', () => {
    expect(inputOf(toolStream(['city=', 'Oslo']))).toEqual({ _raw_arguments: 'city=Oslo' });
  });

  it('repairs a held parallel call too', () => {
    const events = translateStream(sse([
      roleChunk,
      toolDelta(0, { id: 'call_1', name: 'A', args: '{"x": 1}' }),
      toolDelta(1, { id: 'call_2', name: 'B', args: "{'y': 2," }),
      chunk({}, 'tool_calls'),
    ]));
    expect(validateEventSequence(events).message.content.map((b) => (b as { input: unknown }).input)).toEqual([{ x: 1 }, { y: 2 }]);
  });
});
