import { describe, expect, it } from 'vitest';
import { createLineTail } from './line-tail.js';

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

