/**
 * The estimator must cost time linear in the input, whatever its shape: claude-code-router took
 * ~31 s on a 100 KB run of one character. Work is measured by the estimator's own counter
 * (code units classified plus punctuation-trie steps), not by a clock.
 */
import { describe, expect, it } from 'vitest';
import type { MessagesRequest } from '../../../src/proxy/anthropic-types.js';
import { estimateRequestTokens, estimateTextTokensDetailed } from '../../../src/proxy/tokens/estimate.js';

const KB = 1024;

const shapes: Record<string, (size: number) => string> = {
  'one character': (n) => 'a'.repeat(n),
  'no spaces, mixed classes': (n) => 'aB3_x9Q-z'.repeat(Math.ceil(n / 9)).slice(0, n),
  'base64 without spaces': (n) => Buffer.alloc(Math.ceil((n * 3) / 4), 0xa7).toString('base64').slice(0, n),
  'spaces only': (n) => ' '.repeat(n),
  'newlines and indentation': (n) => '\n    \n  \t\n'.repeat(Math.ceil(n / 10)).slice(0, n),
  'one punctuation character': (n) => '-'.repeat(n),
  'punctuation that almost matches long tokens': (n) => '=====-'.repeat(Math.ceil(n / 6)).slice(0, n),
  'CJK without spaces': (n) => '漢字かな交じり文'.repeat(Math.ceil(n / 8)).slice(0, n),
  'emoji': (n) => '😀'.repeat(Math.ceil(n / 2)).slice(0, n),
};

describe('estimateTextTokens work is linear', () => {
  it.each(Object.keys(shapes))('%s: 100 KB costs at most 4 steps per character, 200 KB twice 100 KB', (shape) => {
    const make = shapes[shape]!;
    const small = estimateTextTokensDetailed(make(100 * KB));
    const large = estimateTextTokensDetailed(make(200 * KB));
    expect(small.visits).toBeLessThanOrEqual(4 * 100 * KB);
    expect(large.visits / small.visits).toBeGreaterThan(1.9);
    expect(large.visits / small.visits).toBeLessThan(2.1);
    // And the estimate itself grows with the input instead of saturating or exploding.
    expect(large.tokens / small.tokens).toBeGreaterThan(1.8);
    expect(large.tokens / small.tokens).toBeLessThan(2.2);
  });
});

function nestedSchema(depth: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'string' };
  for (let i = 0; i < depth; i++) schema = { type: 'object', properties: { child: schema }, required: ['child'] };
  return schema;
}

function requestWithSchema(depth: number): MessagesRequest {
  return {
    model: 'claude-sonnet-4-5',
    max_tokens: 1024,
    messages: [{ role: 'user', content: 'hi' }],
    tools: [{ name: 'deep', description: 'A deeply nested schema', input_schema: nestedSchema(depth) }],
  };
}

describe('estimateRequestTokens on deeply nested tool schemas', () => {
  it('counts a schema nested 20,000 levels deep (JSON.stringify would overflow the stack)', () => {
    const request = requestWithSchema(20_000);
    expect(() => JSON.stringify(request)).toThrow(RangeError);
    const tokens = estimateRequestTokens(request);
    expect(tokens).toBeGreaterThan(20_000 * 5);
  });

  it('grows linearly with depth', () => {
    const a = estimateRequestTokens(requestWithSchema(5_000));
    const b = estimateRequestTokens(requestWithSchema(10_000));
    expect(b / a).toBeGreaterThan(1.9);
    expect(b / a).toBeLessThan(2.1);
  });
});
