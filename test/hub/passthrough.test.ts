import { afterEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fakeClient, rich, testHub, textOf, waitFor } from './helpers.js';
import type { HubEvent } from '../../src/hub/index.js';

type TestHub = ReturnType<typeof testHub>;
let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

describe('hub passes upstream traffic through to the right session', () => {
  it('maps progress to the client token and cancels the upstream call when the client aborts', async () => {
    hub = testHub([rich('alpha')]);
    await hub.start();
    const client = fakeClient('s1');
    const call = hub.request('tools/call', { name: 'alpha__slow', arguments: { steps: 3 }, _meta: { progressToken: 'tok-7' } }, client);
    await waitFor(() => client.notifications.length >= 3);
    expect(client.notifications.map((n) => [n.method, n.params.progressToken, n.params.progress])).toEqual([
      ['notifications/progress', 'tok-7', 1],
      ['notifications/progress', 'tok-7', 2],
      ['notifications/progress', 'tok-7', 3],
    ]);
    client.controller.abort();
    await expect(call).rejects.toMatchObject({ code: -32800 });
    // The server itself saw notifications/cancelled: its handler's signal fired.
    const log = join(hub.logs.dir, 'mcp-server-alpha.log');
    await waitFor(async () => {
      await hub!.logs.flush();
      return (await readFile(log, 'utf8')).includes('slow call cancelled');
    });
    expect(hub.stats().inflightCalls).toBe(0);
  });

  it('routes logging messages to the calling session and to the server log', async () => {
    hub = testHub([rich('alpha')]);
    await hub.start();
    const caller = fakeClient('caller');
    const bystander = fakeClient('bystander');
    void bystander;
    await hub.request('tools/call', { name: 'alpha__log', arguments: { message: 'hello from alpha' } }, caller);
    await waitFor(() => caller.notifications.some((n) => n.method === 'notifications/message'));
    const message = caller.notifications.find((n) => n.method === 'notifications/message')!;
    expect(message.params).toMatchObject({ level: 'info', data: 'hello from alpha', logger: 'alpha' });
    expect(bystander.notifications).toEqual([]);
    await hub.logs.flush();
    expect(await readFile(join(hub.logs.dir, 'mcp-server-alpha.log'), 'utf8')).toContain('hello from alpha');
  });

  it('forwards logging/setLevel to every server, which then filters its own messages', async () => {
    hub = testHub([rich('alpha'), rich('beta')]);
    await hub.start();
    const client = fakeClient('s1');
    expect(await hub.request('logging/setLevel', { level: 'error' }, client)).toEqual({});
    await hub.request('tools/call', { name: 'alpha__log', arguments: { message: 'below the level' } }, client);
    await hub.request('tools/call', { name: 'beta__log', arguments: { message: 'below the level' } }, client);
    // The echo after the log calls proves their notifications, had there been any, arrived first.
    await hub.request('tools/call', { name: 'alpha__echo', arguments: { text: 'x' } }, client);
    expect(client.notifications.filter((n) => n.method === 'notifications/message')).toEqual([]);
  });

  it('re-lists a server on tools/list_changed and tells the gateway', async () => {
    hub = testHub([rich('alpha')]);
    await hub.start();
    const events: HubEvent[] = [];
    hub.on((e) => events.push(e));
    const client = fakeClient('s1');
    await hub.request('tools/call', { name: 'alpha__add_tool', arguments: { tool: 'fresh' } }, client);
    await waitFor(() => events.some((e) => e.type === 'list_changed' && e.kind === 'tools'));
    const { tools } = (await hub.request('tools/list', {}, client)) as { tools: { name: string }[] };
    expect(tools.map((t) => t.name)).toContain('alpha__fresh');
    expect(textOf(await hub.request('tools/call', { name: 'alpha__fresh', arguments: {} }, client))).toBe('fresh ok');
  });

  it('subscribes upstream once per URI, routes updates to subscribed sessions, unsubscribes after the last', async () => {
    hub = testHub([rich('alpha')]);
    await hub.start();
    const events: HubEvent[] = [];
    hub.on((e) => events.push(e));
    const a = fakeClient('a');
    const b = fakeClient('b');
    const c = fakeClient('c');
    const uri = 'fixture://alpha/static';
    await hub.request('resources/subscribe', { uri }, a);
    await hub.request('resources/subscribe', { uri }, b);
    await hub.request('tools/call', { name: 'alpha__touch', arguments: { uri } }, c);
    const updated = await waitFor(() => events.find((e) => e.type === 'resource_updated'));
    expect(updated).toEqual({ type: 'resource_updated', uri, sessionIds: ['a', 'b'] });

    await hub.request('resources/unsubscribe', { uri }, a);
    hub.closeSession('b');
    const log = join(hub.logs.dir, 'mcp-server-alpha.log');
    await waitFor(async () => {
      await hub!.logs.flush();
      return (await readFile(log, 'utf8')).includes('unsubscribed fixture://');
    });
    const text = await readFile(log, 'utf8');
    expect(text.match(/: subscribed fixture/g)).toHaveLength(1);
    expect(text.match(/: unsubscribed fixture/g)).toHaveLength(1);
    expect(hub.stats()).toMatchObject({ subscribedUris: 0, subscribedSessions: 0 });
    await expect(hub.request('resources/subscribe', { uri: 'fixture://nobody/x' }, a)).rejects.toMatchObject({ code: -32002 });
  });

  it('re-subscribes upstream after a server restart, so subscribed sessions keep getting updates', async () => {
    hub = testHub([rich('alpha')]);
    await hub.start();
    const events: HubEvent[] = [];
    hub.on((e) => events.push(e));
    const watcher = fakeClient('watcher');
    const uri = 'fixture://alpha/items/7';
    await hub.request('resources/subscribe', { uri }, watcher);
    await hub.request('tools/call', { name: 'alpha__crash', arguments: { code: 1 } }, fakeClient('crasher')).catch(() => undefined);
    await waitFor(() => hub!.status()[0]!.state === 'ready' && hub!.status()[0]!.restarts === 1);
    const log = join(hub.logs.dir, 'mcp-server-alpha.log');
    // The new process was told about the subscription it never saw.
    await waitFor(async () => {
      await hub!.logs.flush();
      return ((await readFile(log, 'utf8')).match(/: subscribed fixture:/g) ?? []).length === 2;
    });
    await hub.request('tools/call', { name: 'alpha__touch', arguments: { uri } }, fakeClient('toucher'));
    const updated = await waitFor(() => events.find((e) => e.type === 'resource_updated'));
    expect(updated).toEqual({ type: 'resource_updated', uri, sessionIds: ['watcher'] });
  });

  it('sends elicitation and sampling to the session whose call caused them', async () => {
    hub = testHub([rich('alpha'), rich('beta')]);
    await hub.start();
    const alice = fakeClient('alice', (method) =>
      method === 'elicitation/create' ? { action: 'accept', content: { color: 'teal' } } : {},
    );
    const bob = fakeClient('bob', (method) =>
      method === 'sampling/createMessage'
        ? { role: 'assistant', content: { type: 'text', text: 'leaves fall' }, model: 'm', stopReason: 'endTurn' }
        : {},
    );
    const [asked, sampled] = await Promise.all([
      hub.request('tools/call', { name: 'alpha__ask', arguments: {} }, alice),
      hub.request('tools/call', { name: 'beta__sample', arguments: {} }, bob),
    ]);
    expect(JSON.parse(textOf(asked))).toMatchObject({ action: 'accept', content: { color: 'teal' } });
    expect(JSON.parse(textOf(sampled))).toMatchObject({ content: { text: 'leaves fall' } });
    expect(alice.requests.map((r) => r.method)).toEqual(['elicitation/create']);
    expect(alice.requests[0]!.params.message).toBe('alpha asks: your color?');
    expect(bob.requests.map((r) => r.method)).toEqual(['sampling/createMessage']);
    expect(hub.stats().pendingServerRequests).toBe(0);
  });

  it('routes roots/list to the session whose call asked', async () => {
    hub = testHub([rich('alpha')]);
    await hub.start();
    const client = fakeClient('s1', (method) => (method === 'roots/list' ? { roots: [{ uri: 'file:///work', name: 'work' }] } : {}));
    const result = await hub.request('tools/call', { name: 'alpha__roots', arguments: {} }, client);
    expect(JSON.parse(textOf(result))).toEqual({ roots: [{ uri: 'file:///work', name: 'work' }] });
    expect(client.requests.map((r) => r.method)).toEqual(['roots/list']);
  });

  it('asks the attached clients for roots outside any call, but still declines elicitation there', async () => {
    hub = testHub([rich('alpha', { env: { FIXTURE_ASK_AT_START: '1' } })]);
    const workspace = fakeClient('workspace', (method) => (method === 'roots/list' ? { roots: [{ uri: 'file:///project', name: 'project' }] } : {}));
    hub.attachClients({ mostRecent: (capability) => (capability === 'roots' ? workspace : undefined) });
    await hub.start();
    const log = join(hub.logs.dir, 'mcp-server-alpha.log');
    const text = await waitFor(async () => {
      await hub!.logs.flush();
      const t = await readFile(log, 'utf8');
      return t.includes('elicitation at start') ? t : undefined;
    });
    expect(text).toContain('roots at start: {"roots":[{"uri":"file:///project","name":"project"}]}');
    expect(text).toContain('elicitation at start: {"action":"decline"}');
    // Only roots/list went to the idle client: a form nobody asked for must not pop up there.
    expect(workspace.requests.map((r) => r.method)).toEqual(['roots/list']);
    expect(hub.stats().pendingServerRequests).toBe(0);
  });

  it('answers for the client when a server asks outside any call: no roots, elicitation declined', async () => {
    hub = testHub([rich('alpha', { env: { FIXTURE_ASK_AT_START: '1' } })]);
    await hub.start();
    const log = join(hub.logs.dir, 'mcp-server-alpha.log');
    const text = await waitFor(async () => {
      await hub!.logs.flush();
      const t = await readFile(log, 'utf8');
      return t.includes('elicitation at start') ? t : undefined;
    });
    expect(text).toContain('roots at start: {"roots":[]}');
    expect(text).toContain('elicitation at start: {"action":"decline"}');
    expect(text).toMatch(/elicitation declined: no client call is in progress/);
  });
});
