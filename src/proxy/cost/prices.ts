/**
 * What a request cost: `proxy.prices` from config over the built-in table (default-prices.ts).
 * Config accepts a list of rules or an object keyed like routes:
 *
 *   "prices": {
 *     "gpt-4o": { "input": 2.5, "output": 10, "cacheRead": 1.25 },
 *     "openrouter,anthropic/claude-*": { "input": 3, "output": 15 },
 *     "ollama,*": { "input": 0, "output": 0 }
 *   }
 *
 * Prices are USD per million tokens; cacheRead and cacheWrite default to the input price. The
 * most specific matching configured rule wins; only when none matches is the built-in table
 * consulted (most specific there too), first with the model name as given, then without a
 * vendor prefix (`anthropic/claude-sonnet-4` → `claude-sonnet-4`, as OpenRouter names models).
 * No match at all means the cost is unknown: null, never 0.
 */
import { PatchbayError } from '../../errors.js';
import { mostSpecific } from '../limits/glob.js';
import { DEFAULT_PRICES } from './default-prices.js';
import type { PriceRule, PriceTable, TokenUsage } from './price-types.js';

export type { PriceRule, PriceTable, TokenUsage } from './price-types.js';
export { DEFAULT_PRICES } from './default-prices.js';

const FIELDS = ['provider', 'model', 'input', 'output', 'cacheRead', 'cacheWrite'] as const;
const EXAMPLE = '"prices": { "gpt-4o": { "input": 2.5, "output": 10, "cacheRead": 1.25 } }';

function invalid(where: string, message: string): PatchbayError {
  return new PatchbayError('CONFIG_INVALID', `${where}: ${message}`, {
    hint: `Prices are USD per million tokens, e.g. ${EXAMPLE}; keys are "model" or "provider,model" (globs allowed).`,
  });
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : String(value);
}

/** Validates `proxy.prices` (undefined: built-in prices only). `where` names the file and key. */
export function parsePriceTable(raw: unknown, where: string): PriceTable {
  if (raw === undefined || raw === null) return { configured: [], builtIn: DEFAULT_PRICES };
  const configured: PriceRule[] = [];
  if (Array.isArray(raw)) {
    raw.forEach((entry, index) => configured.push(parseRule(entry, `${where}[${index}]`, undefined)));
  } else if (typeof raw === 'object') {
    for (const [key, entry] of Object.entries(raw as Record<string, unknown>)) {
      const comma = key.indexOf(',');
      const selector = comma < 0 ? { model: key.trim() } : { provider: key.slice(0, comma).trim(), model: key.slice(comma + 1).trim() };
      const at = `${where}.${JSON.stringify(key)}`;
      if (!selector.model || selector.provider === '') throw invalid(at, 'the key must be "model" or "provider,model"');
      configured.push(parseRule(entry, at, selector));
    }
  } else {
    throw invalid(where, `must be an object keyed by model or a list of rules, got ${show(raw)}`);
  }
  return { configured, builtIn: DEFAULT_PRICES };
}

function parseRule(entry: unknown, where: string, selector: { provider?: string; model: string } | undefined): PriceRule {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw invalid(where, `must be an object with input and output prices, got ${show(entry)}`);
  const record = entry as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(FIELDS as readonly string[]).includes(key) || (selector && (key === 'model' || key === 'provider'))) {
      throw invalid(`${where}.${key}`, `unknown field (known fields: ${(selector ? FIELDS.slice(2) : FIELDS).join(', ')})`);
    }
  }
  let provider = selector?.provider;
  let model = selector?.model;
  if (!selector) {
    for (const field of ['provider', 'model'] as const) {
      const value = record[field];
      if (value === undefined && field === 'provider') continue;
      if (typeof value !== 'string' || value.trim() === '') throw invalid(`${where}.${field}`, `must be a non-empty ${field} name or glob, got ${value === undefined ? 'nothing' : show(value)}`);
      if (field === 'provider') provider = value.trim();
      else model = value.trim();
    }
  }
  const price = (field: 'input' | 'output' | 'cacheRead' | 'cacheWrite', fallback?: number): number => {
    const value = record[field];
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw invalid(`${where}.${field}`, `must be a price in USD per million tokens (a number, 0 or more), got ${value === undefined ? 'nothing' : show(value)}`);
    }
    return value;
  };
  const input = price('input');
  const rule: PriceRule = { model: model!, input, output: price('output'), cacheRead: price('cacheRead', input), cacheWrite: price('cacheWrite', input) };
  if (provider !== undefined) rule.provider = provider;
  return rule;
}

/** The price that applies to a provider's model, or undefined when none is known. */
export function priceFor(prices: PriceTable, provider: string, model: string): PriceRule | undefined {
  const key = { provider, model };
  const configured = mostSpecific(prices.configured, key);
  if (configured) return configured;
  const builtIn = mostSpecific(prices.builtIn, key);
  if (builtIn) return builtIn;
  const slash = model.lastIndexOf('/');
  return slash >= 0 ? mostSpecific(prices.builtIn, { provider, model: model.slice(slash + 1) }) : undefined;
}

/** USD for one request's usage; null when no price is known for the model. */
export function costOf(prices: PriceTable, provider: string, model: string, usage: TokenUsage): number | null {
  const price = priceFor(prices, provider, model);
  if (!price) return null;
  const n = (v: number) => (Number.isFinite(v) && v > 0 ? v : 0);
  return (
    (n(usage.inputTokens) * price.input +
      n(usage.outputTokens) * price.output +
      n(usage.cacheReadTokens) * price.cacheRead +
      n(usage.cacheWriteTokens) * price.cacheWrite) /
    1_000_000
  );
}
