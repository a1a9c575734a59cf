/**
 * A token bucket with continuous refill: capacity is the per-minute limit and it refills at
 * limit/60 000 per millisecond, so a full minute's budget can be spent at once and is then
 * earned back smoothly — the model Anthropic documents for its own limits ("your capacity is
 * continuously replenished up to your maximum rate limit", https://docs.anthropic.com/en/api/rate-limits).
 * The level may go below zero: a settled request that used more than it reserved leaves a debt.
 */

/** Floating-point slack, so a timer that fires exactly on time finds the bucket ready. */
const EPSILON = 1e-6;

export interface TokenBucket {
  readonly capacity: number;
  /** Tokens per millisecond. */
  readonly rate: number;
  level: number;
  /** Clock time (ms) of `level`. */
  at: number;
}

export function createBucket(perMinute: number, now: number): TokenBucket {
  return { capacity: perMinute, rate: perMinute / 60_000, level: perMinute, at: now };
}

/** The level at `time` (never before the last update), without changing the bucket. */
export function levelAt(bucket: TokenBucket, time: number): number {
  if (time <= bucket.at) return bucket.level;
  return Math.min(bucket.capacity, bucket.level + (time - bucket.at) * bucket.rate);
}

export function refill(bucket: TokenBucket, now: number): void {
  bucket.level = levelAt(bucket, now);
  if (now > bucket.at) bucket.at = now;
}

/**
 * What a request reserves: its cost, but never more than the whole bucket — a request larger
 * than a minute's limit waits for a full bucket and takes all of it (settle charges the rest as
 * debt), instead of waiting forever.
 */
export function reservation(bucket: TokenBucket, cost: number): number {
  return Math.min(Math.max(0, cost), bucket.capacity);
}

/** Milliseconds from `time` until the bucket holds `need` (0 if it already does). */
export function waitFor(bucket: TokenBucket, need: number, time: number): number {
  const deficit = need - levelAt(bucket, time);
  return deficit <= EPSILON ? 0 : deficit / bucket.rate;
}

export function take(bucket: TokenBucket, amount: number, now: number): void {
  refill(bucket, now);
  bucket.level -= amount;
}

/** Gives back (positive) or charges (negative) tokens after the fact; never above capacity. */
export function adjust(bucket: TokenBucket, amount: number, now: number): void {
  refill(bucket, now);
  bucket.level = Math.min(bucket.capacity, bucket.level + amount);
}
