/**
 * The two seams behind Live traffic: the hub's traffic tap records nothing while nobody watches
 * and redacts a secret before it cuts a long preview; the bus turns its taps on with the first
 * stream and off with the last.
 */
import { describe, expect, it } from 'vitest';
import { createTrafficTap, preview, type TrafficRecord } from '../../src/hub/traffic-tap.js';
import { createEventBus } from '../../src/web/api/bus.js';
import type { DownstreamContext } from '../../src/hub/types.js';

const SECRET = `ghp_${'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'}`;
const context = { client: 'ci-bot', sessionId: 's1' } as DownstreamContext;

describe('the traffic tap', () => {
  it('records method, client, server, error and redacted params only while watched', async () => {
    const tap = createTrafficTap((method, params) => (method === 'tools/call' ? `server-of-${(params as { name: string }).name}` : undefined));
    const route = tap.wrap(async (method) => {
      if (method === 'fail') throw new Error('no such thing');
      return { ok: true };
    });
    const seen: TrafficRecord[] = [];
    await route('tools/call', { name: 'a' }, context);
    const stop = tap.watch((r) => seen.push(r));
    await route('tools/call', { name: 'a', arguments: { apiKey: SECRET } }, context);
    await expect(route('fail', {}, context)).rejects.toThrow('no such thing');
    stop();
    await route('tools/call', { name: 'b' }, context);
    expect(seen.map((r) => [r.method, r.client, r.server, r.error])).toEqual([['tools/call', 'ci-bot', 'server-of-a', undefined], ['fail', 'ci-bot', undefined, 'no such thing']]);
    expect(seen[0]!.params).toBe('{"name":"a","arguments":{"apiKey":"***"}}');
    expect(seen[0]!.result).toBe('{"ok":true}');
  });

  it('redacts before cutting, so a secret at the cut cannot leak in part', () => {
    const text = preview({ pad: 'x'.repeat(970), token: `Bearer ${SECRET}` });
    expect(text).not.toContain('ghp_');
    expect(text.length).toBeLessThan(1_100);
  });
});

describe('the event bus', () => {
  it('starts its taps with the first subscriber and stops them with the last', () => {
    const bus = createEventBus();
    const calls: string[] = [];
    bus.whileListened(() => {
      calls.push('start');
      return () => calls.push('stop');
    });
    const a = bus.subscribe(() => undefined);
    const b = bus.subscribe(() => undefined);
    a();
    expect(calls).toEqual(['start']);
    b();
    expect(calls).toEqual(['start', 'stop']);
    bus.subscribe(() => undefined);
    expect(calls).toEqual(['start', 'stop', 'start']);
  });
});
