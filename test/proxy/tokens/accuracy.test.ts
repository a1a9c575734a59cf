/**
 * The estimate must stay within 10% of a real BPE tokenizer (gpt-tokenizer, o200k_base, which
 * it is calibrated on; and cl100k_base, which it is not) on every sample of real English prose,
 * source code and JSON in ./corpus.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { encode as encodeCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { estimateTextTokens } from '../../../src/proxy/tokens/estimate.js';

const CORPUS = new URL('./corpus/', import.meta.url);

function samples(kind: string): Array<[string, string]> {
  const dir = new URL(`${kind}/`, CORPUS);
  return readdirSync(dir)
    .sort()
    .map((name) => [name, readFileSync(new URL(name, dir), 'utf8')]);
}

describe.each(['prose', 'code', 'json'])('estimateTextTokens on %s', (kind) => {
  const list = samples(kind);

  it('has real samples to check', () => {
    expect(list.length).toBeGreaterThanOrEqual(5);
    for (const [, text] of list) expect(text.length).toBeGreaterThan(900);
  });

  it.each(list)('%s is within 10%% of o200k_base', (_name, text) => {
    const real = encode(text).length;
    const estimate = estimateTextTokens(text);
    expect(Math.abs(estimate - real) / real).toBeLessThanOrEqual(0.1);
  });

  it.each(list)('%s is within 10%% of cl100k_base', (_name, text) => {
    const real = encodeCl100k(text).length;
    expect(Math.abs(estimateTextTokens(text) - real) / real).toBeLessThanOrEqual(0.1);
  });
});

describe('estimateTextTokens on small and unusual text', () => {
  it('counts nothing for an empty string and at least one token for any non-empty one', () => {
    expect(estimateTextTokens('')).toBe(0);
    expect(estimateTextTokens('a')).toBe(1);
    expect(estimateTextTokens(' ')).toBe(1);
  });

  it('counts digits in groups of three, as o200k splits them', () => {
    const digits = '1234567890'.repeat(30);
    expect(estimateTextTokens(digits)).toBe(encode(digits).length);
  });

  it('stays within 25% on CJK and Cyrillic prose, which the calibration set barely has', () => {
    for (const text of [
      '日本語のテキストを書いています。これはテストです。東京は日本の首都です。'.repeat(10),
      'Привет, как дела? Это тестовый текст на русском языке, чтобы проверить оценку. '.repeat(10),
    ]) {
      const real = encode(text).length;
      expect(Math.abs(estimateTextTokens(text) - real) / real).toBeLessThanOrEqual(0.25);
    }
  });
});
