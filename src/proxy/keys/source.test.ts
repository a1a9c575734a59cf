import { describe, expect, it } from 'vitest';
import { createCachedKeySource } from './source.js';

function counted(keys: string[]) {
  let clock = 0;
  const calls: Array<{ resolve: (key: string) => void; reject: (error: Error) => void }> = [];
  const source = createCachedKeySource({
    origin: 'the key command in config.json: proxy.providers[0].apiKey',
    ttlMs: 1000,
    now: () => clock,
    fetch: () => new Promise<string>((resolve, reject) => { calls.push({ resolve, reject }); }),
  });
  const answer = (i: number): void => calls[i]!.resolve(keys[i]!);
  return { source, calls, answer, advance: (ms: number) => { clock += ms; } };
}

describe('createCachedKeySource', () => {
  it('fetches once for concurrent callers, then serves the cached key without a fetch until the TTL ends', async () => {
    const t = counted(['k1', 'k2']);
    expect(t.source.peek()).toBeUndefined();
    const all = Promise.all([t.source.get(), t.source.get(), t.source.get()]);
    expect(t.calls).toHaveLength(1);
    t.answer(0);
    expect(await all).toEqual(['k1', 'k1', 'k1']);
    expect(t.source.peek()).toBe('k1');
    t.advance(999);
    expect(t.source.peek()).toBe('k1');
    expect(await t.source.get()).toBe('k1');
    expect(t.calls).toHaveLength(1);
    t.advance(1);
    expect(t.source.peek()).toBeUndefined();
    const next = t.source.get();
    expect(t.calls).toHaveLength(2);
    t.answer(1);
    expect(await next).toBe('k2');
  });

  it('does not cache a failure: the next caller fetches again', async () => {
    const t = counted(['', 'k2']);
    const first = t.source.get();
    t.calls[0]!.reject(new Error('exited with code 1'));
    await expect(first).rejects.toThrow('exited with code 1');
    expect(t.source.peek()).toBeUndefined();
    const second = t.source.get();
    expect(t.calls).toHaveLength(2);
    t.answer(1);
    expect(await second).toBe('k2');
  });

  it('refreshes a rejected key once, however many requests report it', async () => {
    const t = counted(['k1', 'k2']);
    const first = t.source.get();
    t.answer(0);
    await first;
    const refreshes = [t.source.refresh('k1'), t.source.refresh('k1'), t.source.refresh('k1')];
    expect(t.calls).toHaveLength(2);
    t.answer(1);
    expect(await Promise.all(refreshes)).toEqual(['k2', 'k2', 'k2']);
    // A request that still held k1 when k2 arrived gets k2 without another fetch.
    expect(await t.source.refresh('k1')).toBe('k2');
    expect(t.calls).toHaveLength(2);
  });
});
