/**
 * When to try an upstream call again, and how long to wait. Full jitter
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/): a random delay in
 * [0, min(cap, base·2^n)] spreads retries of many clients. A `retry-after` from the upstream
 * (RFC 9110 §10.2.3: seconds or an HTTP date) is a floor, not a suggestion.
 */
import type { RetrySettings } from '../config/types.js';

/** 408, 409 (Anthropic's "conflict, retry"), 429 and every 5xx are worth another try. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Milliseconds to wait, from a `retry-after` header value; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before retry number `retry` (1 = first retry), or undefined when the budget says stop:
 * no attempts left, or the wait would end after `maxTotalMs` since the request arrived.
 */
export function nextRetryDelay(
  settings: RetrySettings,
  attempt: number,
  elapsedMs: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number | undefined {
  if (attempt >= settings.maxAttempts) return undefined;
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attempt - 1));
  const delay = Math.max(retryAfterMs ?? 0, Math.floor(random() * ceiling));
  if (elapsedMs + delay > settings.maxTotalMs) return undefined;
  return delay;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(signal.reason); return; }
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = (): void => { clearTimeout(timer); reject(signal?.reason); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
