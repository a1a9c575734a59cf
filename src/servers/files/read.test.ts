import { describe, expect, it } from 'vitest';
import { pageLines } from './read.js';

describe('pageLines', () => {
  it('pages by lines, numbered or not, with or without a trailing newline or CRLF', () => {
    expect(pageLines('a\nb\nc\n', 1, 10, true)).toEqual({ text: '1\ta\n2\tb\n3\tc', from: 1, to: 3, total: 3 });
    expect(pageLines('a\nb\nc', 2, 1, false)).toEqual({ text: 'b', from: 2, to: 2, total: 3, next: 3 });
    expect(pageLines('a\r\nb\r\n', 1, 5, false)).toEqual({ text: 'a\nb', from: 1, to: 2, total: 2 });
    expect(pageLines('a\n\nc\n', 1, 5, false).text).toBe('a\n\nc');
    expect(pageLines('', 1, 5, true)).toEqual({ text: '1\t', from: 1, to: 1, total: 1 });
    expect(pageLines('a\nb\n', 5, 5, true)).toEqual({ text: '', from: 2, to: 2, total: 2 });
    const lines = Array.from({ length: 12 }, (_, i) => `l${i + 1}`).join('\n');
    expect(pageLines(lines, 9, 2, true)).toEqual({ text: ' 9\tl9\n10\tl10', from: 9, to: 10, total: 12, next: 11 });
  });
});
