import { describe, expect, it } from 'vitest';
import { OutputBuffer } from './processes.js';

describe('the output buffer', () => {
  it('pages across chunks and drops the oldest past the cap, saying how much', () => {
    const buffer = new OutputBuffer(10);
    for (const chunk of ['abc', 'defg', 'hij']) buffer.append(chunk);
    expect(buffer.read(0, 4)).toEqual({ text: 'abcd', offset: 0, next: 4, dropped: 0, more: true });
    expect(buffer.read(4, 100)).toEqual({ text: 'efghij', offset: 4, next: 10, dropped: 0, more: false });
    buffer.append('klmno');
    expect(buffer.end).toBe(15);
    expect(buffer.read(2, 100)).toEqual({ text: 'fghijklmno', offset: 5, next: 15, dropped: 3, more: false });
    buffer.append('p'.repeat(25));
    expect(buffer.read(0, 100)).toEqual({ text: 'p'.repeat(10), offset: 30, next: 40, dropped: 30, more: false });
    expect(buffer.read(40, 100)).toMatchObject({ text: '', next: 40, more: false });
  });
});
