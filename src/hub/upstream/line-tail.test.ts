import { describe, expect, it } from 'vitest';
import { createLineTail } from './line-tail.js';
import { createRedactor, secretValuesOf } from './redact.js';

describe('createLineTail', () => {
  it('keeps the last N lines in order, and cuts very long lines', () => {
    const tail = createLineTail(3, 10);
    expect(tail.lines()).toEqual([]);
    for (const line of ['a', 'b', 'c', 'd', 'e']) tail.push(line);
    expect(tail.lines()).toEqual(['c', 'd', 'e']);
    expect(tail.size).toBe(3);
    tail.push('x'.repeat(50));
    expect(tail.lines().at(-1)).toBe(`${'x'.repeat(10)}…`);
  });
});

describe('redaction of entry secrets', () => {
  it('takes env values, header values and bearer tokens, but not short values', () => {
    expect(secretValuesOf({ command: 'x', env: { KEY: 'abcd1234', DEBUG: '1' } })).toEqual(['abcd1234']);
    expect(secretValuesOf({ type: 'http', url: 'http://h', headers: { Authorization: 'Bearer tok-98765' } })).toEqual([
      'Bearer tok-98765',
      'tok-98765',
    ]);
  });

  it('replaces every occurrence, longest secret first', () => {
    const redact = createRedactor(['tok-98765', 'Bearer tok-98765']);
    expect(redact('sent Bearer tok-98765; token tok-98765 rejected')).toBe('sent [redacted]; token [redacted] rejected');
    expect(createRedactor([])('unchanged')).toBe('unchanged');
  });
});
