/**
 * Rate-limit rules as written in config under `proxy.rateLimits`:
 *
 *   "rateLimits": [
 *     { "provider": "anthropic", "model": "claude-opus-*", "rpm": 50, "itpm": 20000, "otpm": 8000 },
 *     { "provider": "openrouter", "rpm": 20, "shared": true }
 *   ]
 *
 * RPM, ITPM and OTPM are the three limits Anthropic's API enforces (requests, input tokens and
 * output tokens per minute; https://docs.anthropic.com/en/api/rate-limits), and what most other
 * providers publish in the same terms. A request is governed by the single most specific rule
 * that matches its provider and model (see glob.ts). Each matching model gets its own buckets
 * unless the rule says `"shared": true`, in which case every request the rule matches draws
 * from one set (an account-wide limit such as OpenRouter's free tier).
 */
import { PatchbayError } from '../../errors.js';

export interface RateLimitRule {
  /** Provider name as configured; glob allowed. Absent: any provider. */
  provider?: string;
  /** Upstream model name; glob like `claude-*`. Absent: any model. */
  model?: string;
  /** Requests per minute. */
  rpm?: number;
  /** Input tokens per minute. */
  itpm?: number;
  /** Output tokens per minute. */
  otpm?: number;
  /** One set of buckets for everything the rule matches, instead of one per model. */
  shared?: boolean;
}

const KNOWN = ['provider', 'model', 'rpm', 'itpm', 'otpm', 'shared'] as const;
const EXAMPLE = '{ "provider": "anthropic", "model": "claude-*", "rpm": 50, "itpm": 20000, "otpm": 8000 }';
const UNITS = { rpm: 'requests per minute', itpm: 'input tokens per minute', otpm: 'output tokens per minute' } as const;

function invalid(where: string, message: string): PatchbayError {
  return new PatchbayError('CONFIG_INVALID', `${where}: ${message}`, {
    hint: `Each rate limit looks like ${EXAMPLE}; at least one of rpm, itpm, otpm is required.`,
  });
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : String(value);
}

/** Validates `proxy.rateLimits`; `where` names the file and key for messages. */
export function parseRateLimits(raw: unknown, where: string): RateLimitRule[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid(where, `must be a list of rules, got ${show(raw)}`);
  return raw.map((entry, index) => parseRule(entry, `${where}[${index}]`));
}

function parseRule(entry: unknown, where: string): RateLimitRule {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw invalid(where, `must be an object, got ${show(entry)}`);
  const record = entry as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(KNOWN as readonly string[]).includes(key)) throw invalid(`${where}.${key}`, `unknown field (known fields: ${KNOWN.join(', ')})`);
  }
  const rule: RateLimitRule = {};
  for (const field of ['provider', 'model'] as const) {
    const value = record[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.trim() === '') throw invalid(`${where}.${field}`, `must be a non-empty ${field} name or glob such as "claude-*", got ${show(value)}`);
    rule[field] = value.trim();
  }
  for (const field of ['rpm', 'itpm', 'otpm'] as const) {
    const value = record[field];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw invalid(`${where}.${field}`, `must be a positive number of ${UNITS[field]}, got ${show(value)}`);
    }
    rule[field] = value;
  }
  if (record.shared !== undefined) {
    if (typeof record.shared !== 'boolean') throw invalid(`${where}.shared`, `must be true or false, got ${show(record.shared)}`);
    rule.shared = record.shared;
  }
  if (rule.rpm === undefined && rule.itpm === undefined && rule.otpm === undefined) throw invalid(where, 'sets no limit: add rpm, itpm or otpm');
  return rule;
}
