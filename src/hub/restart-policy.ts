/**
 * When to restart a server that died, and when to stop trying. Delays grow exponentially with
 * full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter": sleep = random(0,
 * min(cap, base * 2^attempt))) so that servers which crashed together — say after the machine
 * woke up — do not all restart in the same instant. A server that needed more than
 * `maxRestarts` restarts within `windowMs` is broken, not unlucky: it is marked failed.
 */

export interface RestartPolicyOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxRestarts?: number;
  windowMs?: number;
  random?: () => number;
  now?: () => number;
}

export type RestartDecision = { restart: true; delayMs: number; attempt: number } | { restart: false; reason: string };

export interface RestartPolicy {
  /** Called when the server ended unexpectedly: restart after a delay, or give up. */
  next(): RestartDecision;
  /** Restarts counted in the current window. */
  readonly count: number;
}

export const DEFAULT_RESTART_POLICY = {
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRestarts: 5,
  windowMs: 10 * 60_000,
} as const;

export function createRestartPolicy(options: RestartPolicyOptions = {}): RestartPolicy {
  const base = options.baseDelayMs ?? DEFAULT_RESTART_POLICY.baseDelayMs;
  const cap = options.maxDelayMs ?? DEFAULT_RESTART_POLICY.maxDelayMs;
  const maxRestarts = options.maxRestarts ?? DEFAULT_RESTART_POLICY.maxRestarts;
  const windowMs = options.windowMs ?? DEFAULT_RESTART_POLICY.windowMs;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const restarts: number[] = [];

  function prune(): void {
    const since = now() - windowMs;
    while (restarts.length > 0 && restarts[0]! < since) restarts.shift();
  }

  return {
    get count() {
      prune();
      return restarts.length;
    },
    next() {
      prune();
      if (restarts.length >= maxRestarts) {
        return {
          restart: false,
          reason: `gave up after ${restarts.length} restarts within ${Math.round(windowMs / 1000)} s`,
        };
      }
      const attempt = restarts.length;
      restarts.push(now());
      const delayMs = Math.floor(random() * Math.min(cap, base * 2 ** attempt));
      return { restart: true, delayMs, attempt: attempt + 1 };
    },
  };
}
