/**
 * Messages that belong to no request: a server adding a tool must reach every client as
 * tools/list_changed — over the session's GET stream for legacy clients, over a
 * `subscriptions/listen` stream for 2026-07-28 clients — and the new tool must be callable.
 * Shutdown ends a listen stream gracefully (the empty listen result), not as a dropped stream.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHO_SERVER, startGateway, stdioServer, type Running } from './helpers/harness.js';

const TOKEN = 'pb_notifications';

describe('list_changed and listen streams', () => {
  let running: Running;
  beforeAll(async () => {
    running = await startGateway([stdioServer('echo', ECHO_SERVER)], { token: TOKEN });
  });
  afterAll(async () => {
    await running?.close();
  });

  function transport() {
    return new StreamableHTTPClientTransport(new URL(running.url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } });
  }

  it('legacy: tools/list_changed arrives on the GET stream and the new tool is callable', async () => {
    const client = new Client({ name: 'legacy-listener', version: '1' });
    const changed = new Promise<void>((resolve) => client.setNotificationHandler('notifications/tools/list_changed', () => resolve()));
    await client.connect(transport());
    // The SDK opens the GET stream right after initialize; wait until the gateway has it.
    const session = () => [...running.gateway.sessions.values()].find((s) => s.clientInfo?.name === 'legacy-listener');
    for (let i = 0; i < 100 && session()?.sink === undefined; i++) await new Promise((r) => setTimeout(r, 20));
    expect(session()?.sink).toBeDefined();
    const grown = await client.callTool({ name: 'echo__grow', arguments: {} });
    const name = (grown.content as { text: string }[])[0]!.text;
    await changed;
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain(`echo__${name}`);
    expect((await client.callTool({ name: `echo__${name}`, arguments: {} })).content).toEqual([{ type: 'text', text: name }]);
    await client.close();
  });

  it('2026-07-28: a listen stream acknowledges its filter and delivers tools/list_changed', async () => {
    const client = new Client({ name: 'modern-listener', version: '1' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    let count = 0;
    const changed = new Promise<void>((resolve) => client.setNotificationHandler('notifications/tools/list_changed', () => {
      count++;
      resolve();
    }));
    await client.connect(transport());
    const subscription = await client.listen({ toolsListChanged: true });
    expect(subscription.honoredFilter).toMatchObject({ toolsListChanged: true });
    expect([...running.gateway.fanout.listeners()]).toHaveLength(1);
    await client.callTool({ name: 'echo__grow', arguments: {} });
    await changed;
    expect(count).toBeGreaterThanOrEqual(1);
    await subscription.close();
    expect(await subscription.closed).toBe('local');
    for (let i = 0; i < 50 && [...running.gateway.fanout.listeners()].length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect([...running.gateway.fanout.listeners()]).toHaveLength(0);
    await client.close();
  });

  it('2026-07-28: shutdown ends a listen stream gracefully', async () => {
    const own = await startGateway([stdioServer('echo', ECHO_SERVER)], { token: TOKEN });
    const client = new Client({ name: 'graceful', version: '1' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await client.connect(new StreamableHTTPClientTransport(new URL(own.url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
    const subscription = await client.listen({ toolsListChanged: true });
    await own.close();
    expect(await subscription.closed).toBe('graceful');
    await client.close().catch(() => undefined);
  });
});

describe('resource updates', () => {
  let running: Running;
  beforeAll(async () => {
    running = await startGateway([stdioServer('echo', ECHO_SERVER)], { token: TOKEN });
  });
  afterAll(async () => {
    await running?.close();
  });
  const transport = () => new StreamableHTTPClientTransport(new URL(running.url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } });
  const URI = 'echo://echo/counter';

  it('legacy: only the subscribed session hears resources/updated', async () => {
    const subscribed = new Client({ name: 'subscribed', version: '1' });
    const other = new Client({ name: 'other', version: '1' });
    const heard: string[] = [];
    const updated = new Promise<void>((resolve) => subscribed.setNotificationHandler('notifications/resources/updated', (n) => {
      heard.push((n.params as { uri: string }).uri);
      resolve();
    }));
    let otherHeard = 0;
    other.setNotificationHandler('notifications/resources/updated', () => void otherHeard++);
    await subscribed.connect(transport());
    await other.connect(transport());
    const waitForStream = async (name: string) => {
      for (let i = 0; i < 100 && [...running.gateway.sessions.values()].find((s) => s.clientInfo?.name === name)?.sink === undefined; i++) await new Promise((r) => setTimeout(r, 20));
    };
    await waitForStream('subscribed');
    await waitForStream('other');
    await subscribed.subscribeResource({ uri: URI });
    await other.callTool({ name: 'echo__bump', arguments: {} });
    await updated;
    expect(heard).toEqual([URI]);
    // The same bump reached the gateway once; the unsubscribed session got nothing.
    expect(otherHeard).toBe(0);
    const read = await subscribed.readResource({ uri: URI });
    expect(read.contents[0]).toMatchObject({ text: '1' });
    await subscribed.close();
    await other.close();
  });

  it('2026-07-28: a listen stream with resourceSubscriptions hears resources/updated', async () => {
    const client = new Client({ name: 'modern-resources', version: '1' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    const updated = new Promise<string>((resolve) => client.setNotificationHandler('notifications/resources/updated', (n) => resolve((n.params as { uri: string }).uri)));
    await client.connect(transport());
    // (The legacy session above closed without DELETE, so its subscription may still count.)
    const baseline = running.hub.stats().subscribedSessions;
    const subscription = await client.listen({ resourceSubscriptions: [URI] });
    // The gateway subscribes upstream for the stream; wait until the hub has it.
    for (let i = 0; i < 100 && running.hub.stats().subscribedSessions === baseline; i++) await new Promise((r) => setTimeout(r, 20));
    expect(running.hub.stats().subscribedSessions).toBe(baseline + 1);
    await client.callTool({ name: 'echo__bump', arguments: {} });
    expect(await updated).toBe(URI);
    await subscription.close();
    // Closing the stream drops its subscription in the hub.
    for (let i = 0; i < 100 && running.hub.stats().subscribedSessions > baseline; i++) await new Promise((r) => setTimeout(r, 20));
    expect(running.hub.stats().subscribedSessions).toBe(baseline);
    await client.close();
  });
});
