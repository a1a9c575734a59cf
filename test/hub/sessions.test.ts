import { afterEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fakeClient, rich, testHub, waitFor } from './helpers.js';

type TestHub = ReturnType<typeof testHub>;
let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

const baseline = { subscribedUris: 0, subscribedSessions: 0, pendingServerRequests: 0, inflightCalls: 0 };

describe('closeSession leaves nothing behind', () => {
  it('10,000 sessions with subscriptions come and go; every internal map returns to its baseline', async () => {
    hub = testHub([rich('alpha')]);
    await hub.start();
    expect(hub.stats()).toEqual(baseline);
    const uris = ['fixture://alpha/static', 'fixture://alpha/items/1'];
    const batch = 500;
    for (let start = 0; start < 10_000; start += batch) {
      const clients = Array.from({ length: batch }, (_, i) => fakeClient(`session-${start + i}`));
      await Promise.all(clients.flatMap((c) => uris.map((uri) => hub!.request('resources/subscribe', { uri }, c))));
      expect(hub.stats()).toMatchObject({ subscribedUris: 2, subscribedSessions: batch });
      for (const c of clients) hub.closeSession(c.sessionId);
      expect(hub.stats()).toEqual(baseline);
    }
    // Upstream saw one subscribe per URI per batch and a matching unsubscribe: nothing dangling.
    const log = join(hub.logs.dir, 'mcp-server-alpha.log');
    await waitFor(async () => {
      await hub!.logs.flush();
      const text = await readFile(log, 'utf8');
      return (text.match(/: unsubscribed /g) ?? []).length === 2 * (10_000 / batch);
    });
    const text = await readFile(log, 'utf8');
    expect((text.match(/: subscribed /g) ?? []).length).toBe(2 * (10_000 / batch));
  });

  it('cancels a closed session’s calls upstream and its pending server request, even when the client never answers', async () => {
    hub = testHub([rich('alpha')], { callTimeoutMs: 600_000 });
    await hub.start();
    const sessions = Array.from({ length: 50 }, (_, i) => fakeClient(`s${i}`));
    const calls = sessions.map((c) => hub!.request('tools/call', { name: 'alpha__slow', arguments: { steps: 0 } }, c));
    await waitFor(() => hub!.stats().inflightCalls === 50);
    // One more session whose call waits on an elicitation its client never answers.
    const silent = fakeClient('silent', () => new Promise(() => {}));
    calls.push(hub.request('tools/call', { name: 'alpha__ask', arguments: {} }, silent));
    for (const call of calls) call.catch(() => undefined);
    await waitFor(() => silent.requests.length === 1);
    expect(hub.stats()).toMatchObject({ inflightCalls: 51, pendingServerRequests: 1 });
    expect(sessions.every((c) => c.requests.length === 0)).toBe(true);

    for (const c of [...sessions, silent]) hub.closeSession(c.sessionId);
    const results = await Promise.allSettled(calls);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as { code: number }).code : 'fulfilled'))).toEqual(Array(51).fill(-32800));
    expect(hub.stats()).toEqual(baseline);
    // The server saw notifications/cancelled for every one of them.
    const log = join(hub.logs.dir, 'mcp-server-alpha.log');
    await waitFor(async () => {
      await hub!.logs.flush();
      return ((await readFile(log, 'utf8')).match(/slow call cancelled/g) ?? []).length === 50;
    });
  });
});
