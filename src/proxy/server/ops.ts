/**
 * The parts of the proxy that other modules provide, loaded once at start-up: the provider
 * adapters (src/proxy/openai, src/proxy/gemini) and proxy ops (token estimate, rate limits,
 * usage store, prices). The types below mirror those modules' published signatures, so the
 * server depends on the shape, not on the file; each module is imported lazily, which also keeps
 * `patchbay --help` fast. Proxy ops' modules are optional until they land (see loadOps).
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

interface PricesModule {
  parsePriceTable(raw: unknown, where: string): unknown;
  costOf(prices: unknown, provider: string, model: string, usage: TokenUsage): number | null;
}

// A specifier in a variable: the price table belongs to proxy ops and may land after this file.
const PRICES = '../cost/prices.js';


async function optionalImport<T>(specifier: string): Promise<T | undefined> {
  try {
    return (await import(/* @vite-ignore */ specifier)) as T;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module|Failed to load url|Does the file exist/i.test(String((error as Error).message))) return undefined;
    throw error;
  }
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
  if (options.prices !== undefined) {
    const prices = await optionalImport<PricesModule>(PRICES);
    if (prices) {
      const table = prices.parsePriceTable(options.prices, `${options.source}: proxy.prices`);
      ops.costOf = (provider, model, usage) => prices.costOf(table, provider, model, usage);
    } 
  } else {
    const prices = await optionalImport<PricesModule>(PRICES);
    if (prices) {
      const table = prices.parsePriceTable(undefined, 'built-in prices');
      ops.costOf = (provider, model, usage) => prices.costOf(table, provider, model, usage);
    }
  }
  return ops;
}

/** The OpenAI and Gemini translations, imported on first use so `patchbay --help` stays fast. */
export async function loadAdapters(): Promise<Partial<Record<ProviderKind, ProviderAdapter>>> {
  const [{ openaiAdapter }, { geminiAdapter }] = await Promise.all([import('../openai/index.js'), import('../gemini/index.js')]);
  return { openai: openaiAdapter, gemini: geminiAdapter };
}
