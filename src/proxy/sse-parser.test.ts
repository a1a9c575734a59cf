import { describe, expect, it } from 'vitest';
import { SseParser, type SseMessage } from './sse-parser.js';

const encoder = new TextEncoder();

function parseInChunks(bytes: Uint8Array, cuts: number[]): SseMessage[] {
  const parser = new SseParser();
  const out: SseMessage[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(...parser.push(bytes.subarray(start, cut)));
    start = cut;
  }
  out.push(...parser.end());
  return out;
}

describe('SseParser', () => {
  const stream =
    'event: message_start\ndata: {"a":1}\n\n' +
    ': keep-alive comment\r\n' +
    'data: {"text":"héllo 👋 — ü"}\r\n\r\n' +
    'event: ping\rdata: {}\r\r' +
    'data: line one\ndata: line two\n\n' +
    'data: [DONE]\n\n';
  const expected: SseMessage[] = [
    { event: 'message_start', data: '{"a":1}' },
    { event: undefined, data: '{"text":"héllo 👋 — ü"}' },
    { event: 'ping', data: '{}' },
    { event: undefined, data: 'line one\nline two' },
    { event: undefined, data: '[DONE]' },
  ];

  it('parses a whole stream with \\n, \\r\\n and \\r line ends, comments and multi-line data', () => {
    expect(parseInChunks(encoder.encode(stream), [])).toEqual(expected);
  });

  it('gives the same events however the bytes are cut, including inside UTF-8 characters and \\r\\n', () => {
    const bytes = encoder.encode(stream);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(parseInChunks(bytes, [cut]), `cut at byte ${cut}`).toEqual(expected);
    }
  });

  it('survives one byte at a time', () => {
    const bytes = encoder.encode(stream);
    const cuts = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    expect(parseInChunks(bytes, cuts)).toEqual(expected);
  });

  it('dispatches a final event that lacks its blank line when the stream ends', () => {
    expect(parseInChunks(encoder.encode('data: {"last":true}'), [])).toEqual([{ event: undefined, data: '{"last":true}' }]);
  });

  it('ignores events without data, as the SSE spec says', () => {
    expect(parseInChunks(encoder.encode('event: lonely\n\nid: 7\n\n'), [])).toEqual([]);
  });
});
