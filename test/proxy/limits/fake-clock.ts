/** A manual clock for the rate limiter: time moves only when a test calls advance(). */
import type { LimiterClock } from '../../../src/proxy/limits/rate-limiter.js';

interface Timer {
  at: number;
  callback: () => void;
}

export interface FakeClock extends LimiterClock {
  /** Moves time forward, firing due timers in order, then lets promise callbacks run. */
  advance(ms: number): Promise<void>;
  pendingTimers(): number;
}

export function createFakeClock(start = 0): FakeClock {
  let now = start;
  const timers = new Set<Timer>();
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const timer = { at: now + ms, callback };
      timers.add(timer);
      return timer;
    },
    clearTimeout(handle) {
      timers.delete(handle as Timer);
    },
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        let next: Timer | undefined;
        for (const t of timers) if (t.at <= end && (!next || t.at < next.at)) next = t;
        if (!next) break;
        timers.delete(next);
        now = next.at;
        next.callback();
        await flush();
      }
      now = end;
      await flush();
    },
    pendingTimers: () => timers.size,
  };
}

/** Lets already-resolved promise callbacks run (no time passes on the fake clock). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
