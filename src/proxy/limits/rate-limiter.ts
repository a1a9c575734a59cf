/**
 * Client-side rate limiting in front of each provider and model, so Patchbay waits a little
 * instead of sending requests that the provider would answer with 429 (the guide, §8.2: RPM,
 * ITPM and OTPM, each a token bucket here, see token-bucket.ts).
 *
 * A request takes 1 from RPM, its estimated input tokens from ITPM and its `max_tokens` from
 * OTPM when it is granted; `settle` then corrects ITPM and OTPM with the real usage (a refund,
 * or a debt if it used more), as Anthropic does for OTPM. Waiting is FIFO per set of buckets: a
 * large request at the head is not overtaken by small ones, so it cannot starve. A request whose
 * projected wait exceeds `maxWaitMs` is refused at once with the time after which it would fit
 * (the proxy answers 429 with `retry-after`); one that is still queued at its deadline (because
 * an earlier request settled with a debt) is refused then.
 */
import { Fifo } from './fifo.js';
import { mostSpecific } from './glob.js';
import { parseRateLimits, type RateLimitRule } from './rules.js';
import { adjust, createBucket, reservation, take, waitFor, type TokenBucket } from './token-bucket.js';

export { parseRateLimits, type RateLimitRule };

export type LimitName = 'rpm' | 'itpm' | 'otpm';

export type RateLimitGrant =
  | { ok: true; settle(actual: { inputTokens: number; outputTokens: number }): void }
  | { ok: false; retryAfterSeconds: number; limit: LimitName };

export interface RateLimitKey {
  provider: string;
  model: string;
}

export interface RateLimitCost {
  inputTokens: number;
  outputTokens: number;
}

export interface RateLimiter {
  acquire(key: RateLimitKey, cost: RateLimitCost, signal?: AbortSignal): Promise<RateLimitGrant>;
  /** Current bucket levels and queue length for a key; undefined when no rule applies. */
  inspect(key: RateLimitKey): { levels: Partial<Record<LimitName, number>>; queued: number } | undefined;
}

/** Time and timers, injectable so tests run on a fake clock. */
export interface LimiterClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RateLimiterOptions {
  /** Longest a request may wait for capacity before it is refused (default 30 s). */
  maxWaitMs?: number;
  clock?: LimiterClock;
}

export const DEFAULT_MAX_WAIT_MS = 30_000;
const LIMITS: readonly LimitName[] = ['rpm', 'itpm', 'otpm'];

const systemClock: LimiterClock = {
  now: () => performance.now(),
  setTimeout(callback, ms) {
    const timer = setTimeout(callback, ms);
    timer.unref(); // a queued request must not keep a stopping process alive
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

type Need = Record<LimitName, number>;

interface Waiter {
  need: Need;
  deadline: number;
  grant(): void;
  refuse(wait: number, limit: LimitName): void;
}

/** One set of buckets and the FIFO queue in front of it. */
interface Lane {
  buckets: Partial<Record<LimitName, TokenBucket>>;
  queue: Fifo<Waiter>;
  timer: unknown;
}

const NO_SETTLE = (): void => undefined;

export function createRateLimiter(rules: RateLimitRule[], options: RateLimiterOptions = {}): RateLimiter {
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const clock = options.clock ?? systemClock;
  const lanes = new Map<string, Lane>();

  function laneFor(key: RateLimitKey, create: boolean): Lane | undefined {
    const rule = mostSpecific(rules, key);
    if (!rule) return undefined;
    const id = `${rules.indexOf(rule)}${rule.shared ? '' : `\u0000${key.provider}\u0000${key.model}`}`;
    let lane = lanes.get(id);
    if (!lane && create) {
      const now = clock.now();
      const buckets: Lane['buckets'] = {};
      for (const name of LIMITS) {
        const limit = rule[name];
        if (limit !== undefined) buckets[name] = createBucket(limit, now);
      }
      lane = { buckets, queue: new Fifo<Waiter>(), timer: undefined };
      lanes.set(id, lane);
    }
    return lane;
  }

  function needOf(lane: Lane, cost: RateLimitCost): Need {
    const r = (name: LimitName, amount: number) => (lane.buckets[name] ? reservation(lane.buckets[name], amount) : 0);
    return { rpm: r('rpm', 1), itpm: r('itpm', cost.inputTokens), otpm: r('otpm', cost.outputTokens) };
  }

  /** Milliseconds until `need` fits the buckets as they are at `time`, and which limit binds. */
  function readiness(buckets: Lane['buckets'], need: Need, time: number): { wait: number; limit: LimitName } {
    let wait = 0;
    let limit: LimitName = 'rpm';
    for (const name of LIMITS) {
      const bucket = buckets[name];
      if (!bucket) continue;
      const w = waitFor(bucket, need[name], time);
      if (w > wait) {
        wait = w;
        limit = name;
      }
    }
    return { wait, limit };
  }

  /** When a newcomer would be granted if it joined the queue now (FIFO: after everyone queued). */
  function project(lane: Lane, need: Need, now: number): { wait: number; limit: LimitName } {
    const sim: Lane['buckets'] = {};
    for (const name of LIMITS) if (lane.buckets[name]) sim[name] = { ...lane.buckets[name] };
    let time = now;
    let limit: LimitName = 'rpm';
    for (const item of [...Array.from(lane.queue, (w) => w.need), need]) {
      const ready = readiness(sim, item, time);
      if (ready.wait > 0) limit = ready.limit;
      time += ready.wait;
      for (const name of LIMITS) if (sim[name]) take(sim[name], item[name], time);
    }
    return { wait: time - now, limit };
  }

  function consume(lane: Lane, need: Need, now: number): void {
    for (const name of LIMITS) if (lane.buckets[name]) take(lane.buckets[name], need[name], now);
  }

  /** Grants queued requests in order while they fit; then sleeps until the head could fit. */
  function pump(lane: Lane): void {
    if (lane.timer !== undefined) {
      clock.clearTimeout(lane.timer);
      lane.timer = undefined;
    }
    const now = clock.now();
    for (let head = lane.queue.peek(); head !== undefined; head = lane.queue.peek()) {
      const ready = readiness(lane.buckets, head.need, now);
      if (ready.wait === 0) {
        lane.queue.shift();
        consume(lane, head.need, now);
        head.grant();
      } else if (now >= head.deadline) {
        lane.queue.shift();
        head.refuse(ready.wait, ready.limit);
      } else {
        const delay = Math.min(ready.wait, head.deadline - now);
        lane.timer = clock.setTimeout(() => {
          lane.timer = undefined;
          pump(lane);
        }, Math.max(1, Math.ceil(delay)));
        return;
      }
    }
  }

  function settlerFor(lane: Lane, need: Need): (actual: RateLimitCost) => void {
    let settled = false;
    return function settle(actual) {
      if (settled) return;
      settled = true;
      const now = clock.now();
      const itpm = lane.buckets.itpm;
      const otpm = lane.buckets.otpm;
      if (itpm) adjust(itpm, need.itpm - Math.max(0, actual.inputTokens), now);
      if (otpm) adjust(otpm, need.otpm - Math.max(0, actual.outputTokens), now);
      pump(lane); // a refund may let the head of the queue through now
    };
  }

  return {
    acquire(key, cost, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      const lane = laneFor(key, true);
      if (!lane) return Promise.resolve({ ok: true, settle: NO_SETTLE });
      const need = needOf(lane, cost);
      const now = clock.now();
      const projected = project(lane, need, now);
      if (projected.wait === 0 && lane.queue.size === 0) {
        consume(lane, need, now);
        return Promise.resolve({ ok: true, settle: settlerFor(lane, need) });
      }
      if (projected.wait > maxWaitMs) {
        return Promise.resolve({ ok: false, retryAfterSeconds: Math.max(1, Math.ceil(projected.wait / 1000)), limit: projected.limit });
      }
      return new Promise<RateLimitGrant>((resolve, reject) => {
        const onAbort = () => {
          lane.queue.remove(waiter);
          reject(signal?.reason);
          pump(lane); // the next request may fit now
        };
        const done = () => signal?.removeEventListener('abort', onAbort);
        const waiter: Waiter = {
          need,
          deadline: now + maxWaitMs,
          grant() {
            done();
            resolve({ ok: true, settle: settlerFor(lane, need) });
          },
          refuse(wait, limit) {
            done();
            resolve({ ok: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)), limit });
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        lane.queue.push(waiter);
        if (lane.queue.size === 1 || projected.wait === 0) pump(lane);
      });
    },

    inspect(key) {
      const lane = laneFor(key, true);
      if (!lane) return undefined;
      const now = clock.now();
      const levels: Partial<Record<LimitName, number>> = {};
      for (const name of LIMITS) {
        const bucket = lane.buckets[name];
        if (bucket) levels[name] = Math.min(bucket.capacity, bucket.level + Math.max(0, now - bucket.at) * bucket.rate);
      }
      return { levels, queued: lane.queue.size };
    },
  };
}
