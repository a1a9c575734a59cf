/**
 * The limiter on a fake clock: buckets refill continuously, requests wait in FIFO order up to
 * maxWaitMs, output reservations are corrected at settle, and aborts leave the queue.
 */
import { describe, expect, it } from 'vitest';
import { createRateLimiter, type RateLimitGrant, type RateLimitRule } from '../../../src/proxy/limits/rate-limiter.js';
import { createFakeClock, flush } from './fake-clock.js';

const KEY = { provider: 'anthropic', model: 'claude-sonnet-4-5' };
const SMALL = { inputTokens: 10, outputTokens: 10 };

function setup(rule: Omit<RateLimitRule, 'provider' | 'model'>, maxWaitMs = 60_000) {
  const clock = createFakeClock();
  const limiter = createRateLimiter([{ provider: 'anthropic', ...rule }], { maxWaitMs, clock });
  return { clock, limiter };
}

/** Starts an acquire and records when (on the fake clock) it resolves. */
function track(promise: Promise<RateLimitGrant>, clock: { now(): number }) {
  const state: { grant?: RateLimitGrant; at?: number; error?: unknown } = {};
  promise.then(
    (grant) => Object.assign(state, { grant, at: clock.now() }),
    (error: unknown) => Object.assign(state, { error, at: clock.now() }),
  );
  return state;
}

async function granted(promise: Promise<RateLimitGrant>) {
  const grant = await promise;
  if (!grant.ok) throw new Error(`expected a grant, got a refusal on ${grant.limit}`);
  return grant;
}

describe('requests per minute', () => {
  it('lets a full minute through at once, then one request per 60/rpm seconds', async () => {
    const { clock, limiter } = setup({ rpm: 2 });
    await granted(limiter.acquire(KEY, SMALL));
    await granted(limiter.acquire(KEY, SMALL));
    const third = track(limiter.acquire(KEY, SMALL), clock);
    await clock.advance(29_999);
    expect(third.grant).toBeUndefined();
    await clock.advance(1);
    expect(third.grant?.ok).toBe(true);
    expect(third.at).toBe(30_000);
  });

  it('refuses at once, with retry-after, when the wait would exceed maxWaitMs', async () => {
    const { limiter } = setup({ rpm: 1 }, 10_000);
    await granted(limiter.acquire(KEY, SMALL));
    expect(await limiter.acquire(KEY, SMALL)).toEqual({ ok: false, retryAfterSeconds: 60, limit: 'rpm' });
  });

  it('does not limit requests no rule matches', async () => {
    const { limiter } = setup({ rpm: 1 });
    for (let i = 0; i < 5; i++) await granted(limiter.acquire({ provider: 'openai', model: 'gpt-4o' }, SMALL));
    expect(limiter.inspect({ provider: 'openai', model: 'gpt-4o' })).toBeUndefined();
  });
});

describe('input tokens per minute', () => {
  it('waits until enough input capacity has refilled', async () => {
    const { clock, limiter } = setup({ itpm: 1000 });
    await granted(limiter.acquire(KEY, { inputTokens: 800, outputTokens: 0 }));
    const next = track(limiter.acquire(KEY, { inputTokens: 800, outputTokens: 0 }), clock);
    await clock.advance(35_999); // 600 tokens short at 1000/60 000 per ms: 36 s
    expect(next.grant).toBeUndefined();
    await clock.advance(1);
    expect(next.grant?.ok).toBe(true);
  });

  it('names the limit that binds when it refuses', async () => {
    const { limiter } = setup({ rpm: 100, itpm: 1000 }, 5_000);
    await granted(limiter.acquire(KEY, { inputTokens: 1000, outputTokens: 0 }));
    expect(await limiter.acquire(KEY, { inputTokens: 500, outputTokens: 0 })).toEqual({ ok: false, retryAfterSeconds: 30, limit: 'itpm' });
  });

  it('lets a request larger than the whole limit through once the bucket is full, charging the rest as debt', async () => {
    const { limiter } = setup({ itpm: 1000 });
    const grant = await granted(limiter.acquire(KEY, { inputTokens: 5000, outputTokens: 0 }));
    grant.settle({ inputTokens: 5000, outputTokens: 0 });
    expect(limiter.inspect(KEY)?.levels.itpm).toBe(-4000);
  });
});

describe('FIFO order', () => {
  it('does not let small requests overtake a large one waiting at the head', async () => {
    const { clock, limiter } = setup({ itpm: 1000 });
    await granted(limiter.acquire(KEY, { inputTokens: 1000, outputTokens: 0 }));
    const large = track(limiter.acquire(KEY, { inputTokens: 900, outputTokens: 0 }), clock);
    const small = track(limiter.acquire(KEY, { inputTokens: 10, outputTokens: 0 }), clock);
    await clock.advance(1_000); // 16 tokens back: enough for the small one, not the large one
    expect(small.grant).toBeUndefined();
    await clock.advance(53_000); // 900 tokens after 54 s
    expect(large.grant?.ok).toBe(true);
    expect(small.grant).toBeUndefined();
    await clock.advance(600);
    expect(small.grant?.ok).toBe(true);
    expect(large.at!).toBeLessThan(small.at!);
  });

  it('refuses a newcomer whose place in the queue is beyond maxWaitMs', async () => {
    const { limiter } = setup({ rpm: 6 }, 25_000); // one request per 10 s
    for (let i = 0; i < 6; i++) await granted(limiter.acquire(KEY, SMALL));
    void limiter.acquire(KEY, SMALL); // ready at 10 s
    void limiter.acquire(KEY, SMALL); // 20 s
    expect(await limiter.acquire(KEY, SMALL)).toMatchObject({ ok: false, retryAfterSeconds: 30, limit: 'rpm' });
    expect(limiter.inspect(KEY)?.queued).toBe(2);
  });
});

describe('output tokens: reserved from max_tokens, corrected at settle', () => {
  it('refunds unused output tokens, which lets a waiting request through at once', async () => {
    const { clock, limiter } = setup({ otpm: 1000 });
    const first = await granted(limiter.acquire(KEY, { inputTokens: 0, outputTokens: 1000 }));
    const second = track(limiter.acquire(KEY, { inputTokens: 0, outputTokens: 500 }), clock);
    await flush();
    expect(second.grant).toBeUndefined();
    first.settle({ inputTokens: 0, outputTokens: 100 });
    await flush();
    expect(second.grant?.ok).toBe(true);
    expect(second.at).toBe(0);
    expect(limiter.inspect(KEY)?.levels.otpm).toBe(400);
  });

  it('charges a debt when a response used more than it reserved', async () => {
    const { limiter } = setup({ otpm: 1000 }, 30_000);
    const grant = await granted(limiter.acquire(KEY, { inputTokens: 0, outputTokens: 100 }));
    grant.settle({ inputTokens: 0, outputTokens: 1100 });
    // 900 left after reserving 100; settling 1100 against those 100 charges 1000 more.
    expect(limiter.inspect(KEY)?.levels.otpm).toBe(-100);
    expect(await limiter.acquire(KEY, { inputTokens: 0, outputTokens: 600 })).toEqual({ ok: false, retryAfterSeconds: 42, limit: 'otpm' });
  });

  it('settles only once', async () => {
    const { limiter } = setup({ otpm: 1000 });
    const grant = await granted(limiter.acquire(KEY, { inputTokens: 0, outputTokens: 500 }));
    grant.settle({ inputTokens: 0, outputTokens: 0 });
    grant.settle({ inputTokens: 0, outputTokens: 0 });
    expect(limiter.inspect(KEY)?.levels.otpm).toBe(1000);
  });

  it('refuses a queued request at its deadline when a debt pushed it back', async () => {
    const { clock, limiter } = setup({ otpm: 1000 }, 30_000);
    const first = await granted(limiter.acquire(KEY, { inputTokens: 0, outputTokens: 1000 }));
    const queued = track(limiter.acquire(KEY, { inputTokens: 0, outputTokens: 400 }), clock); // fits after 24 s
    first.settle({ inputTokens: 0, outputTokens: 2000 }); // now 1400 short: 84 s
    await clock.advance(30_000);
    expect(queued.grant).toEqual({ ok: false, retryAfterSeconds: 54, limit: 'otpm' });
    expect(queued.at).toBe(30_000);
  });
});

describe('abort', () => {
  it('removes an aborted request from the queue and rejects it with the abort reason', async () => {
    const { clock, limiter } = setup({ rpm: 1 }, 180_000);
    await granted(limiter.acquire(KEY, SMALL));
    const controller = new AbortController();
    const waiting = track(limiter.acquire(KEY, SMALL, controller.signal), clock);
    const behind = track(limiter.acquire(KEY, SMALL), clock);
    controller.abort();
    await flush();
    expect((waiting.error as Error).name).toBe('AbortError');
    expect(limiter.inspect(KEY)?.queued).toBe(1);
    await clock.advance(60_000);
    expect(behind.grant?.ok).toBe(true);
    expect(behind.at).toBe(60_000);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const { limiter } = setup({ rpm: 1 });
    await expect(limiter.acquire(KEY, SMALL, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('buckets per model or shared', () => {
  it('gives each matching model its own buckets by default', async () => {
    const { limiter } = setup({ rpm: 1 }, 1_000);
    await granted(limiter.acquire({ provider: 'anthropic', model: 'a' }, SMALL));
    await granted(limiter.acquire({ provider: 'anthropic', model: 'b' }, SMALL));
  });

  it('shares one set of buckets across models when the rule says shared', async () => {
    const { limiter } = setup({ rpm: 1, shared: true }, 1_000);
    await granted(limiter.acquire({ provider: 'anthropic', model: 'a' }, SMALL));
    expect(await limiter.acquire({ provider: 'anthropic', model: 'b' }, SMALL)).toMatchObject({ ok: false, limit: 'rpm' });
  });
});
