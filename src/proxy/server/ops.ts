/**
 * The parts of the proxy that other modules provide, loaded once at start-up: the provider
 * adapters (src/proxy/openai, src/proxy/gemini) and proxy ops (token estimate, rate limits,
 * usage store, prices). Types come from those modules; their code is imported lazily, which
 * keeps `patchbay --help` fast.
 */
import type { MessagesRequest } from '../anthropic-types.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import type { ProviderAdapter, ProviderKind } from '../provider.js';
import type { UsageRecord } from '../../store/usage-store.js';

export type { RateLimitGrant, RateLimiter } from '../limits/rate-limiter.js';
export type { UsageRecord } from '../../store/usage-store.js';

export interface UsageSink {
  record(record: UsageRecord): void;
}

export type TokenUsage = { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number };

export interface ProxyOps {
  estimateRequestTokens(request: MessagesRequest): number;
  rateLimiter?: RateLimiter;
  usage?: UsageSink;
  costOf?: (provider: string, model: string, usage: TokenUsage) => number | null;
  /** The price (USD per million tokens) that applies to a provider's model, for GET /v1/models. */
  priceOf?: (provider: string, model: string) => { input: number; output: number; cacheRead?: number; cacheWrite?: number } | undefined;
}

export interface LoadOpsOptions {
  rateLimits: unknown;
  prices: unknown;
  /** Shown in config error messages. */
  source: string;
  usage?: UsageSink;
}

export async function loadOps(options: LoadOpsOptions): Promise<ProxyOps> {
  const { estimateRequestTokens } = await import('../tokens/estimate.js');
  const ops: ProxyOps = { estimateRequestTokens };
  if (options.usage) ops.usage = options.usage;
  if (options.rateLimits !== undefined) {
    const { parseRateLimits, createRateLimiter } = await import('../limits/rate-limiter.js');
    const rules = parseRateLimits(options.rateLimits, `${options.source}: proxy.rateLimits`);
    if (rules.length > 0) ops.rateLimiter = createRateLimiter(rules);
  }
  // Undefined prices: the built-in table alone (Anthropic, OpenAI, Gemini list prices).
  const { parsePriceTable, costOf, priceFor } = await import('../cost/prices.js');
  const table = parsePriceTable(options.prices, `${options.source}: proxy.prices`);
  ops.costOf = (provider, model, usage) => costOf(table, provider, model, usage);
  ops.priceOf = (provider, model) => priceFor(table, provider, model);
  return ops;
}

/**
 * The OpenAI and Gemini translations, imported on first use so `patchbay --help` stays fast.
 * The OpenAI translation reports what it had to change (a dropped server tool, a lowered
 * max_tokens, stop sequences past OpenAI's four) through `log`, so users can see why; each
 * distinct note once, since the same client sends the same shape of request all day.
 */
export async function loadAdapters(log?: (line: string) => void): Promise<Partial<Record<ProviderKind, ProviderAdapter>>> {
  const [{ createOpenAIAdapter }, { geminiAdapter }] = await Promise.all([import('../openai/index.js'), import('../gemini/index.js')]);
  const seen = new Set<string>();
  const onNote = (note: string): void => {
    if (!log || seen.has(note) || seen.size >= 1000) return;
    seen.add(note);
    log(`openai translation: ${note}`);
  };
  const openai = createOpenAIAdapter({ onNote });
  return { openai, gemini: geminiAdapter };
}
