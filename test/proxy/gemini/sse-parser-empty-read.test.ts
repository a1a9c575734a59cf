/**
 * A bug found in the shared SseParser while testing Gemini streams: an empty read (or a read
 * holding only part of a UTF-8 character) between the '\r' and the '\n' of one line end made
 * the parser forget the '\r', so the '\n' counted as a second, blank line and split the event.
 */
import { describe, expect, it } from 'vitest';
import { SseParser } from '../../../src/proxy/sse-parser.js';

const encoder = new TextEncoder();

describe('SseParser across an empty read inside CRLF', () => {
  it('keeps a two-line event whole', () => {
    const parser = new SseParser();
    const out = [
      ...parser.push(encoder.encode('data: a\r')),
      ...parser.push(new Uint8Array()),
      ...parser.push(encoder.encode('\ndata: b\r\n\r\n')),
      ...parser.end(),
    ];
    expect(out).toEqual([{ event: undefined, data: 'a\nb' }]);
  });

  it('keeps a two-line event whole when the empty piece is a string', () => {
    const parser = new SseParser();
    const out = [...parser.push('data: a\r'), ...parser.push(''), ...parser.push('\ndata: b\r\n\r\n'), ...parser.end()];
    expect(out).toEqual([{ event: undefined, data: 'a\nb' }]);
  });
});
