import { describe, expect, it } from 'vitest';
import { createRestartPolicy } from './restart-policy.js';

describe('restart policy', () => {
  it('draws each delay uniformly below an exponentially growing cap (full jitter)', () => {
    const delays = (random: number) => {
      const policy = createRestartPolicy({ baseDelayMs: 100, maxDelayMs: 1_000, maxRestarts: 10, random: () => random, now: () => 0 });
      return Array.from({ length: 6 }, () => {
        const d = policy.next();
        return d.restart ? d.delayMs : -1;
      });
    };
    expect(delays(0.999999)).toEqual([99, 199, 399, 799, 999, 999]);
    expect(delays(0)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(delays(0.5)).toEqual([50, 100, 200, 400, 500, 500]);
  });

  it('gives up after maxRestarts within the window, and forgives restarts older than the window', () => {
    let now = 0;
    const policy = createRestartPolicy({ maxRestarts: 2, windowMs: 1_000, now: () => now, random: () => 0 });
    expect(policy.next()).toMatchObject({ restart: true, attempt: 1 });
    now = 500;
    expect(policy.next()).toMatchObject({ restart: true, attempt: 2 });
    expect(policy.next()).toEqual({ restart: false, reason: 'gave up after 2 restarts within 1 s' });
    now = 1_200; // the first restart left the window
    expect(policy.next()).toMatchObject({ restart: true, attempt: 2 });
  });
});
