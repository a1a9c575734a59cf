import { describe, expect, it } from 'vitest';
import { isRetryableStatus, nextRetryDelay, parseRetryAfter } from './retry.js';

const settings = { maxAttempts: 4, maxTotalMs: 10_000, baseDelayMs: 100, maxDelayMs: 1_000 };

describe('nextRetryDelay', () => {
  it('draws full jitter under an exponential ceiling capped at maxDelayMs', () => {
    expect(nextRetryDelay(settings, 1, 0, undefined, () => 0.999)).toBe(99);
    expect(nextRetryDelay(settings, 2, 0, undefined, () => 0.999)).toBe(199);
    expect(nextRetryDelay(settings, 3, 0, undefined, () => 0.5)).toBe(200);
    expect(nextRetryDelay({ ...settings, maxAttempts: 10 }, 8, 0, undefined, () => 0.999)).toBe(999);
    expect(nextRetryDelay(settings, 1, 0, undefined, () => 0)).toBe(0);
  });

  it('waits at least what retry-after asks', () => {
    expect(nextRetryDelay(settings, 1, 0, 2_000, () => 0.5)).toBe(2_000);
  });

  it('stops when attempts are used up or the wait would pass the total budget', () => {
    expect(nextRetryDelay(settings, 4, 0, undefined, () => 0)).toBeUndefined();
    expect(nextRetryDelay(settings, 1, 9_000, 2_000, () => 0)).toBeUndefined();
    expect(nextRetryDelay(settings, 1, 9_000, 500, () => 0)).toBe(500);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates (RFC 9110 §10.2.3)', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter('0.5')).toBe(500);
    const now = Date.parse('2026-11-24T00:00:00Z');
    expect(parseRetryAfter('Tue, 24 Nov 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('isRetryableStatus', () => {
  it('retries 408, 409, 429 and 5xx (529 included), nothing else', () => {
    expect([408, 409, 429, 500, 502, 503, 529].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 413, 422].some(isRetryableStatus)).toBe(false);
  });
});
