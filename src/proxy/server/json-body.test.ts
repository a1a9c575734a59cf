import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseJsonBody } from './json-body.js';

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEXT = 'The proxy "quoted" \\ back\\\\slash é 日本 \u2028 👋 x';
function bigRequest(messages: number): Record<string, unknown> {
  return {
    model: 'claude-sonnet-4-5',
    max_tokens: 5,
    system: [{ type: 'text', text: 'sys' }],
    messages: Array.from({ length: messages }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `${TEXT.repeat(30)}${i}\\"` })),
    tools: [{ name: 't', input_schema: { type: 'object', a: [1, 2, { b: null }] } }],
    metadata: { user_id: 'u' },
    nested: { arr: [[], {}, ''] },
    empty: [],
    n: -1.5e3,
  };
}

/**
 * parseJsonBody must agree exactly with JSON.parse of the body decoded as UTF-8 (what a request
 * body is): the same value, or the same error message. (Decoding matters when a mutation splits
 * a surrogate pair: the bytes then hold U+FFFD, not the lone surrogate.)
 */
function expectSameAsJsonParse(text: string): void {
  const raw = Buffer.from(text);
  let expected: unknown;
  let expectedError: string | undefined;
  try { expected = JSON.parse(raw.toString('utf8')); } catch (error) { expectedError = (error as Error).message; }
  let actual: unknown;
  let actualError: string | undefined;
  try { actual = parseJsonBody(raw); } catch (error) { actualError = (error as Error).message; }
  expect(actualError, text.slice(0, 120)).toBe(expectedError);
  if (expectedError === undefined) {
    expect(isDeepStrictEqual(actual, expected), text.slice(0, 120)).toBe(true);
    expect(JSON.stringify(actual)).toBe(JSON.stringify(expected)); // key order too
  }
}

describe('parseJsonBody', () => {
  it('parses large bodies (the piecewise path) to exactly what JSON.parse gives', () => {
    expectSameAsJsonParse(JSON.stringify(bigRequest(300)));
    expectSameAsJsonParse(JSON.stringify(bigRequest(300), null, 2));
    expectSameAsJsonParse(`  ${JSON.stringify({ ...bigRequest(0), pad: 'p'.repeat(70_000) })}\n`);
    expectSameAsJsonParse(JSON.stringify(bigRequest(300)).replace('"model"', '"__proto__"'));
    expectSameAsJsonParse(JSON.stringify(bigRequest(300)).replace('"tools"', '"messages"')); // duplicate key: last wins
    expectSameAsJsonParse(JSON.stringify([bigRequest(300)]));
    expectSameAsJsonParse(`"${'x'.repeat(70_000)}"`);
  });

  it('parses the real Claude Code request, grown past the piecewise threshold', () => {
    const turn = JSON.parse(readFileSync(new URL('../../../test/proxy/openai/fixtures/claude-code-request-turn2.json', import.meta.url), 'utf8')) as { messages: unknown[] };
    const grown = { ...turn, messages: Array.from({ length: 200 }, () => turn.messages).flat() };
    const text = JSON.stringify(grown);
    expect(text.length).toBeGreaterThan(64 * 1024);
    expectSameAsJsonParse(text);
  });

  it('gives JSON.parse\'s answer for broken bodies, whatever the damage', () => {
    const next = random(20261124);
    const chars = [',', ']', '}', '[', '{', '"', '\\', ':', ' ', 'a', '1', '\n'];
    const base = JSON.stringify(bigRequest(70));
    const structural: number[] = [];
    for (let i = 0; i < base.length; i++) if (',[]{}:"\\'.includes(base[i]!)) structural.push(i);
    for (let k = 0; k < 1500; k++) {
      const at = k % 2 === 0 ? Math.floor(next() * base.length) : structural[Math.floor(next() * structural.length)]!;
      const c = chars[Math.floor(next() * chars.length)]!;
      const r = next();
      const text = r < 0.4 ? base.slice(0, at) + base.slice(at + 1) : r < 0.7 ? base.slice(0, at) + c + base.slice(at) : base.slice(0, at) + c + base.slice(at + 1);
      expectSameAsJsonParse(text);
    }
  });
});
