import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSessionReplay, type FrameWriter } from './replay.js';

function writer(): FrameWriter & { frames: string[]; ended: boolean } {
  const w = {
    frames: [] as string[],
    ended: false,
    write: (frame: string) => void w.frames.push(frame),
    end: (frame?: string) => {
      if (frame !== undefined) w.frames.push(frame);
      w.ended = true;
    },
  };
  return w;
}
const ids = (frames: string[]) => frames.map((f) => /^id: (\S+)/.exec(f)?.[1]);
const limits = { maxEvents: 1_000, maxBytes: 1 << 20, retentionMs: 60_000 };

describe('session replay', () => {
  afterEach(() => vi.useRealTimers());

  it('numbers events per stream, ids unique in the session, priming before any message', () => {
    const replay = createSessionReplay(limits, true);
    const a = replay.open('post');
    const b = replay.open('get');
    expect(a.priming(500)).toBe(`id: ${a.id}-0\nretry: 500\ndata: \n\n`);
    a.send('{"n":1}');
    b.send('{"n":2}');
    a.send('{"n":3}');
    const all = [...replay.streams()].length;
    expect(all).toBe(2);
    expect(replay.resolve(`${a.id}-2`)).toMatchObject({ stream: a, seq: 2 });
    expect(replay.resolve(`${b.id}-1`)).toMatchObject({ stream: b, seq: 1 });
    expect(replay.resolve(`${a.id}-3`)).toBeUndefined();
    expect(replay.resolve('nonsense')).toBeUndefined();
    expect(replay.resolve('99-1')).toBeUndefined();
  });

  it('replays only the named stream after the given id, then carries it live', () => {
    const replay = createSessionReplay(limits, true);
    const a = replay.open('post');
    const b = replay.open('post');
    const first = writer();
    a.attach(first, 0);
    a.send('"a1"');
    b.send('"b1"');
    a.send('"a2"');
    a.detach(first);
    a.send('"a3"');
    const second = writer();
    expect(a.attach(second, 1)).toEqual({ replayed: 2, lost: 0 });
    a.send('"a4"');
    a.finish('"result"');
    expect(ids(second.frames)).toEqual([`${a.id}-2`, `${a.id}-3`, `${a.id}-4`, `${a.id}-5`]);
    expect(second.frames.join('')).not.toContain('b1');
    expect(second.ended).toBe(true);
    // Finished but retained: a late resume gets the tail and an ended stream.
    const late = writer();
    expect(late.frames).toEqual([]);
    a.attach(late, 4);
    expect(ids(late.frames)).toEqual([`${a.id}-5`]);
    expect(late.ended).toBe(true);
  });

  it('drops the oldest events first past the count and byte limits, and says how many a resume lost', () => {
    const replay = createSessionReplay({ ...limits, maxEvents: 3 }, false);
    const a = replay.open('post');
    for (let i = 1; i <= 5; i++) a.send(`${i}`);
    expect(replay.events).toBe(3);
    const w = writer();
    expect(a.attach(w, 0)).toEqual({ replayed: 3, lost: 2 });
    const bytes = createSessionReplay({ ...limits, maxBytes: 200 }, false);
    const b = bytes.open('get');
    for (let i = 0; i < 10; i++) b.send(`"${'x'.repeat(40)}"`);
    expect(bytes.bytes).toBeLessThanOrEqual(200);
    expect(bytes.events).toBeGreaterThan(0);
  });

  it('forgets a finished stream after the retention window, and everything on close', () => {
    vi.useFakeTimers();
    const replay = createSessionReplay(limits, true);
    const a = replay.open('post');
    const dropped = vi.fn();
    a.hooks = { dropped };
    a.send('1');
    a.finish('2');
    expect(replay.resolve(`${a.id}-1`)).toBeDefined();
    vi.advanceTimersByTime(limits.retentionMs);
    expect(replay.resolve(`${a.id}-1`)).toBeUndefined();
    expect(dropped).toHaveBeenCalledOnce();
    expect(replay.events).toBe(0);
    const g = replay.open('get');
    g.send('1');
    replay.close();
    expect(replay.events).toBe(0);
    expect(replay.bytes).toBe(0);
    expect([...replay.streams()]).toEqual([]);
  });

  it('keeps a GET stream without a connection for the retention window only', () => {
    vi.useFakeTimers();
    const replay = createSessionReplay(limits, true);
    const g = replay.open('get');
    const w = writer();
    g.attach(w, 0);
    g.detach(w);
    g.send('1');
    vi.advanceTimersByTime(limits.retentionMs - 1);
    const again = writer();
    expect(g.attach(again, 0)).toEqual({ replayed: 1, lost: 0 });
    vi.advanceTimersByTime(limits.retentionMs * 2);
    // Attached again: not forgotten.
    expect(replay.resolve(`${g.id}-1`)).toBeDefined();
  });

  it('a resume while the old connection still looks open ends the old one', () => {
    const replay = createSessionReplay(limits, true);
    const g = replay.open('get');
    const old = writer();
    g.attach(old, 0);
    const fresh = writer();
    g.attach(fresh, 0);
    expect(old.ended).toBe(true);
    g.send('1');
    expect(old.frames).toEqual([]);
    expect(fresh.frames).toHaveLength(1);
  });
});
