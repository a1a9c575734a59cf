import { describe, expect, it } from 'vitest';
import { jsonBytes } from './json-bytes.js';

describe('jsonBytes', () => {
  it('writes the same bytes as Buffer.from(JSON.stringify(value))', () => {
    const values: Record<string, unknown>[] = [
      {},
      { a: 1 },
      { model: 'gpt-4.1', messages: [{ role: 'user', content: 'héllo 日本 👋 "q" \\ \u2028' }, { role: 'assistant', content: null }], tools: [], stream: true },
      { skipped: undefined, fn: () => 1, arr: [undefined, () => 2, 3], date: new Date(0), nested: { deep: [[1], { x: 'y' }] } },
      { messages: Array.from({ length: 2000 }, (_, i) => ({ role: 'user', content: `message ${i} ${'x'.repeat(100)}` })) },
    ];
    for (const value of values) expect(jsonBytes(value).equals(Buffer.from(JSON.stringify(value)))).toBe(true);
  });
});
