/**
 * Built-in prices in USD per million tokens, from the providers' public price pages as they
 * stood in November 2025 (anthropic.com/pricing, openai.com/api/pricing,
 * ai.google.dev/gemini-api/docs/pricing). Prices change: `proxy.prices` in config overrides
 * any of these, and a model that matches nothing here has no price (shown as "—").
 *
 * - Anthropic: cache writes are the 5-minute rate (1.25 × input), cache reads 0.1 × input.
 * - OpenAI has no cache-write charge (writes bill as input); cached input is the cache-read rate.
 * - Gemini: the ≤200K-token prompt tier; cache reads are the context-caching rate.
 * Newer model versions fall under their family's glob (claude-opus-4-* → Opus 4.5's price):
 * a best guess until the table is updated or the user configures the price.
 */
import type { PriceRule } from './price-types.js';

const anthropic = (model: string, input: number, output: number): PriceRule => ({
  model, input, output, cacheRead: round(input * 0.1), cacheWrite: round(input * 1.25),
});
const openai = (model: string, input: number, cachedInput: number, output: number): PriceRule => ({
  model, input, output, cacheRead: cachedInput, cacheWrite: input,
});
const gemini = (model: string, input: number, output: number, cacheRead: number): PriceRule => ({
  model, input, output, cacheRead, cacheWrite: input,
});
function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

export const DEFAULT_PRICES: readonly PriceRule[] = [
  // Anthropic
  anthropic('claude-opus-4-*', 5, 25), // Opus 4.5 and later
  anthropic('claude-opus-4-1*', 15, 75),
  anthropic('claude-opus-4-2025*', 15, 75), // claude-opus-4-20250514
  anthropic('claude-opus-4', 15, 75),
  anthropic('claude-3-opus*', 15, 75),
  anthropic('claude-sonnet-4*', 3, 15),
  anthropic('claude-3-7-sonnet*', 3, 15),
  anthropic('claude-3-5-sonnet*', 3, 15),
  anthropic('claude-haiku-4*', 1, 5),
  anthropic('claude-3-5-haiku*', 0.8, 4),
  anthropic('claude-3-haiku*', 0.25, 1.25),
  // OpenAI
  openai('gpt-5*', 1.25, 0.125, 10),
  openai('gpt-5-mini*', 0.25, 0.025, 2),
  openai('gpt-5-nano*', 0.05, 0.005, 0.4),
  openai('gpt-4.1*', 2, 0.5, 8),
  openai('gpt-4.1-mini*', 0.4, 0.1, 1.6),
  openai('gpt-4.1-nano*', 0.1, 0.025, 0.4),
  openai('gpt-4o*', 2.5, 1.25, 10),
  openai('gpt-4o-mini*', 0.15, 0.075, 0.6),
  openai('o1*', 15, 7.5, 60),
  openai('o3*', 2, 0.5, 8),
  openai('o3-mini*', 1.1, 0.55, 4.4),
  openai('o4-mini*', 1.1, 0.275, 4.4),
  // Google Gemini
  gemini('gemini-3-pro*', 2, 12, 0.2),
  gemini('gemini-2.5-pro*', 1.25, 10, 0.31),
  gemini('gemini-2.5-flash*', 0.3, 2.5, 0.075),
  gemini('gemini-2.5-flash-lite*', 0.1, 0.4, 0.025),
  gemini('gemini-2.0-flash*', 0.1, 0.4, 0.025),
  gemini('gemini-2.0-flash-lite*', 0.075, 0.3, 0.01875),
];
