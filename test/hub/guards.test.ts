/**
 * The guard seam (src/hub/guard.ts) with a real fixture server behind the hub: what a guard
 * hides is gone from one client's list only, a guard that throws refuses the call before the
 * server sees it, arguments a guard replaces are what the server gets, `after` runs in reverse
 * order and may replace the result, and fresh lists reach `observeLists` before any client.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CallGuard } from '../../src/hub/guard.js';
import { HubRpcError } from '../../src/hub/index.js';
import { fakeClient, rich, testHub, textOf } from './helpers.js';

let hub: ReturnType<typeof testHub> | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

describe('hub guards', () => {
  it('filters per client, refuses, rewrites arguments and results, in order', async () => {
    const order: string[] = [];
    const observed: string[] = [];
    const hideEcho: CallGuard = {
      name: 'hide',
      filter: (client, kind, items) => (client === 'cursor' && kind === 'tools' ? items.filter((i) => i.upstream !== 'echo') : items),
      observeLists: (server, lists) => observed.push(`${server}:${lists.tools.length}`),
      before(call) {
        order.push('hide.before');
        if (call.client === 'cursor') throw new HubRpcError(-32001, `denied for ${call.client}: ${call.server}/${call.name}`);
      },
      after: () => void order.push('hide.after'),
    };
    const rewrite: CallGuard = {
      name: 'rewrite',
      before(call) {
        order.push('rewrite.before');
        call.arguments = { ...call.arguments, text: `${String(call.arguments.text)}!` };
      },
      after(_call, outcome) {
        order.push('rewrite.after');
        const text = textOf(outcome.result);
        return { content: [{ type: 'text', text: text.replace('secret', '[REDACTED]') }] };
      },
    };
    hub = testHub([rich('alpha')], { guards: [hideEcho, rewrite] });
    await hub.start();
    expect(observed[0]).toMatch(/^alpha:\d+$/);

    const names = async (client: string) =>
      ((await hub!.request('tools/list', {}, fakeClient('s', undefined, client))) as { tools: { name: string }[] }).tools.map((t) => t.name);
    expect(await names('default')).toContain('alpha__echo');
    expect(await names('cursor')).not.toContain('alpha__echo');

    const result = await hub.request('tools/call', { name: 'alpha__echo', arguments: { text: 'secret' } }, fakeClient('s1'));
    expect(textOf(result)).toBe('alpha:[REDACTED]!');
    expect(order).toEqual(['hide.before', 'rewrite.before', 'rewrite.after', 'hide.after']);

    order.length = 0;
    await expect(hub.request('tools/call', { name: 'alpha__echo', arguments: { text: 'x' } }, fakeClient('s2', undefined, 'cursor'))).rejects.toThrow(
      /denied for cursor: alpha\/echo/,
    );
    // The refusing guard's own after still runs (audit); the later guard never saw the call.
    expect(order).toEqual(['hide.before', 'hide.after']);
  });
});
