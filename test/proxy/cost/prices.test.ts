import { describe, expect, it } from 'vitest';
import { PatchbayError } from '../../../src/errors.js';
import { costOf, parsePriceTable, priceFor } from '../../../src/proxy/cost/prices.js';

const WHERE = '/home/u/.config/patchbay/config.json: proxy.prices';
const MILLION = { inputTokens: 1_000_000, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
const usage = (u: Partial<typeof MILLION>) => ({ ...MILLION, inputTokens: 0, ...u });

function errorOf(raw: unknown): PatchbayError {
  try {
    parsePriceTable(raw, WHERE);
  } catch (error) {
    expect(error).toBeInstanceOf(PatchbayError);
    return error as PatchbayError;
  }
  throw new Error('expected parsePriceTable to throw');
}

describe('built-in prices', () => {
  const prices = parsePriceTable(undefined, 'built-in prices');

  it('prices Anthropic models per family, including cache reads and writes', () => {
    expect(costOf(prices, 'anthropic', 'claude-sonnet-4-5-20250929', MILLION)).toBe(3);
    expect(costOf(prices, 'anthropic', 'claude-sonnet-4-5', usage({ outputTokens: 1_000_000 }))).toBe(15);
    expect(costOf(prices, 'anthropic', 'claude-sonnet-4-5', usage({ cacheReadTokens: 1_000_000 }))).toBeCloseTo(0.3, 10);
    expect(costOf(prices, 'anthropic', 'claude-sonnet-4-5', usage({ cacheWriteTokens: 1_000_000 }))).toBeCloseTo(3.75, 10);
    expect(costOf(prices, 'anthropic', 'claude-haiku-4-5', MILLION)).toBe(1);
  });

  it('tells Opus generations apart by the most specific pattern', () => {
    expect(costOf(prices, 'anthropic', 'claude-opus-4-20250514', MILLION)).toBe(15);
    expect(costOf(prices, 'anthropic', 'claude-opus-4-1-20250805', MILLION)).toBe(15);
    expect(costOf(prices, 'anthropic', 'claude-opus-4-5-20251101', MILLION)).toBe(5);
  });

  it('prices OpenAI and Gemini models, mini and lite variants separately', () => {
    expect(costOf(prices, 'openai', 'gpt-4o', MILLION)).toBe(2.5);
    expect(costOf(prices, 'openai', 'gpt-4o-mini-2024-07-18', MILLION)).toBe(0.15);
    expect(costOf(prices, 'openai', 'gpt-4o', usage({ cacheReadTokens: 1_000_000 }))).toBe(1.25);
    expect(costOf(prices, 'gemini', 'gemini-2.5-flash', usage({ outputTokens: 1_000_000 }))).toBe(2.5);
    expect(costOf(prices, 'gemini', 'gemini-2.5-flash-lite', MILLION)).toBe(0.1);
  });

  it('finds the vendor model behind a router-style name', () => {
    expect(costOf(prices, 'openrouter', 'anthropic/claude-sonnet-4', MILLION)).toBe(3);
    expect(costOf(prices, 'openrouter', 'openai/gpt-4o-mini', MILLION)).toBe(0.15);
  });

  it('answers null, not 0, for a model without a known price', () => {
    expect(costOf(prices, 'ollama', 'llama3.1:8b', MILLION)).toBeNull();
    expect(priceFor(prices, 'deepseek', 'deepseek-chat')).toBeUndefined();
  });

  it('costs a typical request in dollars', () => {
    // 12,000 input, 800 output, 30,000 cache reads on Sonnet: 0.036 + 0.012 + 0.009
    const cost = costOf(prices, 'anthropic', 'claude-sonnet-4-5', { inputTokens: 12_000, outputTokens: 800, cacheReadTokens: 30_000, cacheWriteTokens: 0 });
    expect(cost).toBeCloseTo(0.057, 10);
  });
});

describe('configured prices', () => {
  it('override the built-in ones, even when a built-in pattern is more specific', () => {
    const prices = parsePriceTable({ 'gpt-*': { input: 1, output: 2 } }, WHERE);
    expect(costOf(prices, 'openai', 'gpt-4o-mini', MILLION)).toBe(1);
    expect(costOf(prices, 'anthropic', 'claude-sonnet-4-5', MILLION)).toBe(3);
  });

  it('take "provider,model" keys, and 0 is a real price (free), unlike unknown', () => {
    const prices = parsePriceTable({ 'ollama,*': { input: 0, output: 0 }, 'openrouter,anthropic/claude-*': { input: 3.3, output: 16.5 } }, WHERE);
    expect(costOf(prices, 'ollama', 'llama3.1:8b', MILLION)).toBe(0);
    expect(costOf(prices, 'openrouter', 'anthropic/claude-opus-4-5', MILLION)).toBe(3.3);
    expect(costOf(prices, 'lmstudio', 'llama3.1:8b', MILLION)).toBeNull();
  });

  it('accept a list of rules too, with cache prices defaulting to the input price', () => {
    const prices = parsePriceTable([{ provider: 'deepseek', model: 'deepseek-*', input: 0.28, output: 0.42 }], WHERE);
    expect(priceFor(prices, 'deepseek', 'deepseek-chat')).toEqual({ provider: 'deepseek', model: 'deepseek-*', input: 0.28, output: 0.42, cacheRead: 0.28, cacheWrite: 0.28 });
  });

  it('name the entry and field that is wrong', () => {
    expect(errorOf({ 'gpt-4o': { input: 2.5 } }).message).toBe(`${WHERE}."gpt-4o".output: must be a price in USD per million tokens (a number, 0 or more), got nothing`);
    expect(errorOf({ 'gpt-4o': { input: -1, output: 1 } }).message).toContain('."gpt-4o".input: must be a price');
    expect(errorOf({ 'gpt-4o': { input: 1, output: '10' } }).message).toContain('got "10"');
    expect(errorOf({ 'gpt-4o': { inptu: 1, output: 1 } }).message).toContain('."gpt-4o".inptu: unknown field');
    expect(errorOf({ ',gpt-4o': { input: 1, output: 1 } }).message).toContain('the key must be "model" or "provider,model"');
    expect(errorOf([{ input: 1, output: 1 }]).message).toBe(`${WHERE}[0].model: must be a non-empty model name or glob, got nothing`);
    expect(errorOf('cheap').message).toBe(`${WHERE}: must be an object keyed by model or a list of rules, got "cheap"`);
    expect(errorOf({ 'gpt-4o': null }).code).toBe('CONFIG_INVALID');
  });
});
