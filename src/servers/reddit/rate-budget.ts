/**
 * One rate budget for every call this server makes to Reddit: a token bucket (capacity and
 * refill per minute) that also obeys what Reddit says — `X-Ratelimit-Remaining` and
 * `X-Ratelimit-Reset` (seconds until the window resets) on every answer, `Retry-After` on a 429
 * (RFC 9110 §10.2.3). The hub runs one process per server entry and every host that goes
 * through the hub shares it, so this one bucket is the budget of all of them; a host that
 * launches its own copy of the server outside the hub gets a budget of its own.
 */
export interface RateBudget {
  /** Waits for a token, at most maxWaitMs; otherwise throws RateLimited. */
  take(): Promise<void>;
  /** Feed the answer's headers back. */
  observe(status: number, headers: Headers): void;
  /** Tokens left now (for messages and tests). */
  remaining(): number;
}

export class RateLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Reddit's rate budget is used up; try again in ${retryAfterSeconds} s`);
    this.name = 'RateLimited';
  }
}

export interface RateBudgetOptions {
  perMinute: number;
  maxWaitMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function createRateBudget(options: RateBudgetOptions): RateBudget {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const capacity = Math.max(1, options.perMinute);
  const refillPerMs = options.perMinute / 60_000;
  let tokens = capacity;
  let last = now();
  /** Nothing is sent before this time (Retry-After, or a window Reddit says is exhausted). */
  let blockedUntil = 0;
  // Calls queue in order, so a waiting call is not overtaken by one that came later.
  let queue: Promise<void> = Promise.resolve();

  const refill = () => {
    const t = now();
    tokens = Math.min(capacity, tokens + (t - last) * refillPerMs);
    last = t;
  };

  async function takeOne(): Promise<void> {
    for (;;) {
      refill();
      const t = now();
      const blockWait = blockedUntil - t;
      const tokenWait = tokens >= 1 ? 0 : (1 - tokens) / refillPerMs;
      const wait = Math.max(blockWait, tokenWait, 0);
      if (wait === 0) {
        tokens -= 1;
        return;
      }
      if (wait > options.maxWaitMs) throw new RateLimited(Math.ceil(wait / 1000));
      await sleep(wait);
    }
  }

  return {
    take() {
      const turn = queue.then(takeOne);
      queue = turn.catch(() => undefined);
      return turn;
    },
    observe(status, headers) {
      refill();
      const remaining = Number(headers.get('x-ratelimit-remaining'));
      const reset = Number(headers.get('x-ratelimit-reset'));
      if (headers.get('x-ratelimit-remaining') !== null && Number.isFinite(remaining)) {
        tokens = Math.min(tokens, Math.floor(remaining));
        if (remaining < 1 && Number.isFinite(reset)) blockedUntil = Math.max(blockedUntil, now() + reset * 1000);
      }
      const retryAfter = parseRetryAfter(headers.get('retry-after'), now());
      if (status === 429) blockedUntil = Math.max(blockedUntil, now() + (retryAfter ?? 60_000));
      else if (retryAfter !== undefined) blockedUntil = Math.max(blockedUntil, now() + retryAfter);
    },
    remaining() {
      refill();
      return now() < blockedUntil ? 0 : Math.floor(tokens);
    },
  };
}

/** Retry-After: delay-seconds or an HTTP-date (RFC 9110 §10.2.3), as milliseconds from now. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
