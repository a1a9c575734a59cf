import { describe, expect, it } from 'vitest';
import { toJsonText, toJsonTextIteratively } from '../../../src/proxy/tokens/json-text.js';

describe('toJsonText', () => {
  it('writes exactly what JSON.stringify writes for ordinary values', () => {
    const values: unknown[] = [
      { a: 1, b: [1, undefined, () => 1, 'x\n"y'], c: undefined, d: { e: null, f: true, g: 1.5e300, h: NaN } },
      [],
      {},
      'text with "quotes" and \u2192',
      -0.5,
      null,
      [[[{}]]],
      { when: new Date(0) },
    ];
    for (const value of values) expect(toJsonTextIteratively(value)).toBe(JSON.stringify(value));
  });

  it('serializes nesting deeper than the call stack allows', () => {
    const depth = 50_000;
    const text = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    const value: unknown = JSON.parse(text);
    expect(() => JSON.stringify(value)).toThrow(RangeError);
    expect(toJsonText(value)).toBe(text);
  });
});
