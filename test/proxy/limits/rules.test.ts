import { describe, expect, it } from 'vitest';
import { PatchbayError } from '../../../src/errors.js';
import { parseRateLimits } from '../../../src/proxy/limits/rate-limiter.js';
import { globMatch, mostSpecific } from '../../../src/proxy/limits/glob.js';

const WHERE = '/home/u/.config/patchbay/config.json: proxy.rateLimits';

function errorOf(raw: unknown): PatchbayError {
  try {
    parseRateLimits(raw, WHERE);
  } catch (error) {
    expect(error).toBeInstanceOf(PatchbayError);
    return error as PatchbayError;
  }
  throw new Error('expected parseRateLimits to throw');
}

describe('parseRateLimits', () => {
  it('accepts rules with any of rpm, itpm, otpm, and no config at all', () => {
    expect(parseRateLimits(undefined, WHERE)).toEqual([]);
    expect(parseRateLimits([
      { provider: 'anthropic', model: 'claude-*', rpm: 50, itpm: 20000, otpm: 8000 },
      { provider: 'openrouter', rpm: 20, shared: true },
    ], WHERE)).toEqual([
      { provider: 'anthropic', model: 'claude-*', rpm: 50, itpm: 20000, otpm: 8000 },
      { provider: 'openrouter', rpm: 20, shared: true },
    ]);
  });

  it('names the rule and field that is wrong, and what it got', () => {
    const e = errorOf([{ rpm: 5 }, { model: 'gpt-4o', rpm: 'fast' }]);
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toBe(`${WHERE}[1].rpm: must be a positive number of requests per minute, got "fast"`);
    expect(e.hint).toMatch(/"rpm": 50/);
    expect(errorOf([{ otpm: -1 }]).message).toContain('[0].otpm: must be a positive number of output tokens per minute, got -1');
    expect(errorOf([{ model: '', rpm: 1 }]).message).toContain('[0].model: must be a non-empty model name');
    expect(errorOf([{ rpm: 1, shared: 'yes' }]).message).toContain('[0].shared: must be true or false');
  });

  it('rejects a misspelt field instead of silently ignoring the limit', () => {
    expect(errorOf([{ model: 'gpt-4o', rmp: 10 }]).message).toContain('[0].rmp: unknown field');
  });

  it('rejects a rule that limits nothing, and a non-list', () => {
    expect(errorOf([{ model: 'gpt-4o' }]).message).toBe(`${WHERE}[0]: sets no limit: add rpm, itpm or otpm`);
    expect(errorOf({ rpm: 5 }).message).toBe(`${WHERE}: must be a list of rules, got an object`);
    expect(errorOf(['x']).message).toBe(`${WHERE}[0]: must be an object, got "x"`);
  });
});

describe('rule matching', () => {
  it('matches globs with * and ?', () => {
    expect(globMatch('claude-*', 'claude-sonnet-4-5')).toBe(true);
    expect(globMatch('claude-*', 'gpt-4o')).toBe(false);
    expect(globMatch('*/claude-*', 'anthropic/claude-opus-4')).toBe(true);
    expect(globMatch('gpt-4?', 'gpt-4o')).toBe(true);
    expect(globMatch('gpt-4?', 'gpt-4o-mini')).toBe(false);
    expect(globMatch('*flash*', 'gemini-2.5-flash-lite')).toBe(true);
    expect(globMatch('a*a*a*a*b', 'a'.repeat(5000))).toBe(false);
  });

  it('picks the most specific rule: exact model over glob over provider-only over catch-all', () => {
    const rules = [
      { rpm: 1 },
      { provider: 'anthropic', rpm: 2 },
      { provider: 'anthropic', model: 'claude-*', rpm: 3 },
      { provider: 'anthropic', model: 'claude-opus-*', rpm: 4 },
      { model: 'claude-opus-4-1', rpm: 5 },
    ];
    const pick = (provider: string, model: string) => mostSpecific(rules, { provider, model })?.rpm;
    expect(pick('anthropic', 'claude-opus-4-1')).toBe(5);
    expect(pick('anthropic', 'claude-opus-4')).toBe(4);
    expect(pick('anthropic', 'claude-sonnet-4')).toBe(3);
    expect(pick('anthropic', 'other')).toBe(2);
    expect(pick('openai', 'gpt-4o')).toBe(1);
    expect(mostSpecific([{ provider: 'x', rpm: 1 }], { provider: 'y', model: 'm' })).toBeUndefined();
  });
});
