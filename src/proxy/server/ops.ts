/**
 * The parts of the proxy that other modules provide, loaded once at start-up: the provider
 * adapters (src/proxy/openai, src/proxy/gemini) and proxy ops (token estimate, rate limits,
 * usage store, prices). The types below mirror those modules' published signatures, so the
 * server depends on the shape, not on the file; each module is imported lazily, which also keeps
 * `patchbay --help` fast.
 */
import type { MessagesRequest } from '../anthropic-types.js';
import type { ProviderAdapter, ProviderKind } from '../provider.js';

export type RateLimitGrant =
  | { ok: true; settle(actual: { inputTokens: number; outputTokens: number }): void }
  | { ok: false; retryAfterSeconds: number; limit: 'rpm' | 'itpm' | 'otpm' };

export interface RateLimiter {
  acquire(key: { provider: string; model: string }, cost: { inputTokens: number; outputTokens: number }, signal?: AbortSignal): Promise<RateLimitGrant>;
}

export interface UsageRecord {
  time: number;
  client?: string;
  provider: string;
  model: string;
  requestModel: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number | null;
  latencyMs: number;
  status: number;
  stream: boolean;
  error?: string;
}

export interface UsageSink {
  record(record: UsageRecord): void;
}

export type TokenUsage = { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number };

export interface ProxyOps {
  estimateRequestTokens(request: MessagesRequest): number;
  rateLimiter?: RateLimiter;
  usage?: UsageSink;
  costOf?: (provider: string, model: string, usage: TokenUsage) => number | null;
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
  const { parsePriceTable, costOf } = await import('../cost/prices.js');
  const table = parsePriceTable(options.prices, `${options.source}: proxy.prices`);
  ops.costOf = (provider, model, usage) => costOf(table, provider, model, usage);
  return ops;
}

/** The OpenAI and Gemini translations, imported on first use so `patchbay --help` stays fast. */
export async function loadAdapters(): Promise<Partial<Record<ProviderKind, ProviderAdapter>>> {
  const [{ openaiAdapter }, { geminiAdapter }] = await Promise.all([import('../openai/index.js'), import('../gemini/index.js')]);
  return { openai: openaiAdapter, gemini: geminiAdapter };
}
