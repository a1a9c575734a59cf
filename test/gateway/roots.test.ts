/**
 * Roots both ways (MCP 2025-11-25, client/roots) with real parts: upstream servers written with
 * the SDK v2 that ask roots/list at start-up and on every notifications/roots/list_changed —
 * never inside a call, so only the gateway's out-of-band routing can answer them — and SDK v2
 * clients over Streamable HTTP and over the stdio gateway. What the servers saw is read from their
 * stderr in the hub's log, not through a tool call that would itself put a call in flight.
 */
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { Client, ReadBuffer, serializeMessage, StreamableHTTPClientTransport, type Transport } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import { serverLogFileName } from '../../src/hub/index.js';
import { serveStdio } from '../../src/gateway/stdio.js';
import { ROOTS_SERVER, startGateway, stdioServer, type Running } from './helpers/harness.js';

const TOKEN = 'pb_roots';
type Root = { uri: string; name?: string };
type Seen = { clientRoots?: unknown; notified?: string; asked?: string; roots?: Root[]; error?: string };

let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(names: string[], startHub = true): Promise<Running> {
  running = await startGateway(
    names.map((name) => stdioServer(name, ROOTS_SERVER)),
    { token: TOKEN, startHub, hub: { logDir: mkdtempSync(join(tmpdir(), 'patchbay-roots-logs-')) } },
  );
  return running;
}

/** What one upstream has heard so far, from the `roots-fixture {json}` lines of its log. */
async function seenBy(r: Running, server: string): Promise<Seen[]> {
  await r.hub.logs.flush();
  const text = await readFile(join(r.hub.logs.dir, serverLogFileName(server)), 'utf8').catch(() => '');
  return [...text.matchAll(/roots-fixture (\{.*\})$/gm)].map((m) => JSON.parse(m[1]!) as Seen);
}

/** Polls until `check` holds (the test's timeout bounds the wait). */
async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 25));
}

/** A legacy HTTP client that offers `roots` and answers roots/list with whatever `roots.current` is. */
async function rootsClient(r: Running, name: string, initial: Root[]) {
  const roots = { current: initial, asked: 0 };
  const client = new Client({ name, version: '1' }, { capabilities: { roots: { listChanged: true } } });
  client.setRequestHandler('roots/list', async () => {
    roots.asked++;
    return { roots: roots.current };
  });
  await client.connect(new StreamableHTTPClientTransport(new URL(r.url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
  await waitForStream(r, name);
  return { client, roots };
}

/** The SDK opens the session's GET stream right after initialize; out-of-band requests need it. */
async function waitForStream(r: Running, name: string): Promise<void> {
  await until(() => [...r.gateway.sessions.values()].some((s) => s.clientInfo?.name === name && s.sink !== undefined));
}

const askedWith = (seen: Seen[], roots: Root[]) => seen.some((s) => s.asked !== undefined && JSON.stringify(s.roots) === JSON.stringify(roots));

describe('roots through the gateway', () => {
  it('advertises roots.listChanged to upstreams, and a server that asks at start-up gets the connected client’s roots', { timeout: 60_000 }, async () => {
    const r = await start(['alpha'], false);
    const { client, roots } = await rootsClient(r, 'early', [{ uri: 'file:///projects/early', name: 'early' }]);
    await r.hub.start();
    await until(async () => (await seenBy(r, 'alpha')).some((s) => s.asked === 'start'));
    const seen = await seenBy(r, 'alpha');
    expect(seen).toContainEqual({ clientRoots: { listChanged: true } });
    expect(seen.find((s) => s.asked === 'start')).toEqual({ asked: 'start', roots: [{ uri: 'file:///projects/early', name: 'early' }] });
    expect(roots.asked).toBeGreaterThanOrEqual(1);
    expect(r.hub.stats()).toMatchObject({ inflightCalls: 0, pendingServerRequests: 0 });
    await client.close();
  });

  it('a client’s roots/list_changed reaches every upstream, and their next roots/list (no call in flight) gets the new roots', { timeout: 60_000 }, async () => {
    const r = await start(['alpha', 'beta']);
    const servers = ['alpha', 'beta'];
    // Servers that started before any client was there were told "no roots".
    for (const s of servers) await until(async () => (await seenBy(r, s)).some((e) => e.asked === 'start'));
    for (const s of servers) expect((await seenBy(r, s)).find((e) => e.asked === 'start')).toEqual({ asked: 'start', roots: [] });

    // A client with roots arrives: upstreams are told, ask again and get its roots.
    const first = await rootsClient(r, 'first', [{ uri: 'file:///projects/one', name: 'one' }]);
    for (const s of servers) await until(async () => askedWith(await seenBy(r, s), first.roots.current));

    // A second client becomes the most recently active one: its roots are the answer now.
    const second = await rootsClient(r, 'second', [{ uri: 'file:///projects/two', name: 'two' }]);
    for (const s of servers) await until(async () => askedWith(await seenBy(r, s), second.roots.current));

    // The first client changes its roots and says so: every upstream hears list_changed, and its
    // roots/list — asked from a notification handler, with no call in flight — gets the NEW roots.
    const before = Object.fromEntries(await Promise.all(servers.map(async (s) => [s, (await seenBy(r, s)).length] as const)));
    const askedBefore = first.roots.asked;
    // "Most recently active" compares Date.now() stamps: let the clock pass the second client's last one.
    const lastSecond = Math.max(...[...r.gateway.sessions.values()].map((s) => s.lastSeen));
    await until(() => Date.now() > lastSecond);
    first.roots.current = [{ uri: 'file:///projects/one-moved', name: 'one, moved' }];
    await first.client.sendRootsListChanged();
    for (const s of servers) {
      await until(async () => askedWith((await seenBy(r, s)).slice(before[s]), first.roots.current));
      const after = (await seenBy(r, s)).slice(before[s]);
      expect(after[0]).toEqual({ notified: 'roots/list_changed' });
      expect(after).toContainEqual({ asked: 'list_changed', roots: [{ uri: 'file:///projects/one-moved', name: 'one, moved' }] });
    }
    expect(first.roots.asked).toBeGreaterThanOrEqual(askedBefore + servers.length);
    expect(r.hub.stats()).toMatchObject({ inflightCalls: 0, pendingServerRequests: 0 });
    await first.client.close();
    await second.client.close();
  });

  it('with no client that can be asked for roots, roots/list gets an empty list — not an error, not a hang', { timeout: 60_000 }, async () => {
    const r = await start(['alpha'], false);
    // A legacy client without the roots capability (its GET stream open), and a 2026-07-28 client
    // that declares roots but has no session a request outside its own calls could travel on.
    const plain = new Client({ name: 'no-roots', version: '1' });
    await plain.connect(new StreamableHTTPClientTransport(new URL(r.url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
    await waitForStream(r, 'no-roots');
    const modern = new Client({ name: 'modern', version: '1' }, { capabilities: { roots: {} }, versionNegotiation: { mode: { pin: '2026-07-28' } } });
    let modernAsked = 0;
    modern.setRequestHandler('roots/list', async () => {
      modernAsked++;
      return { roots: [{ uri: 'file:///never' }] };
    });
    await modern.connect(new StreamableHTTPClientTransport(new URL(r.url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
    await r.hub.start();
    await until(async () => (await seenBy(r, 'alpha')).some((s) => s.asked === 'start'));
    expect((await seenBy(r, 'alpha')).find((s) => s.asked === 'start')).toEqual({ asked: 'start', roots: [] });
    expect(modernAsked).toBe(0);
    expect(r.hub.stats()).toMatchObject({ inflightCalls: 0, pendingServerRequests: 0 });
    await plain.close();
    await modern.close();
  });

  it('stdio gateway: once a client with roots has initialized, upstreams are told and get its roots', { timeout: 60_000 }, async () => {
    const r = await start(['alpha']);
    await until(async () => (await seenBy(r, 'alpha')).some((s) => s.asked === 'start'));
    const toGateway = new PassThrough();
    const fromGateway = new PassThrough();
    const served = serveStdio(r.gateway, { input: toGateway, output: fromGateway });
    const client = new Client({ name: 'stdio-host', version: '1' }, { capabilities: { roots: {} } });
    client.setRequestHandler('roots/list', async () => ({ roots: [{ uri: 'file:///projects/stdio', name: 'stdio' }] }));
    await client.connect(lineTransport(toGateway, fromGateway));
    await until(async () => askedWith(await seenBy(r, 'alpha'), [{ uri: 'file:///projects/stdio', name: 'stdio' }]));
    await client.close();
    await served;
  });
});

/** The client side of newline-delimited JSON-RPC over two in-process streams (what a host does over a child's stdio). */
function lineTransport(output: Writable, input: Readable): Transport {
  const buffer = new ReadBuffer();
  const transport: Transport = {
    async start() {
      input.on('data', (chunk: Buffer) => {
        buffer.append(chunk);
        for (let message = buffer.readMessage(); message !== null; message = buffer.readMessage()) transport.onmessage?.(message);
      });
    },
    async send(message) {
      output.write(serializeMessage(message));
    },
    async close() {
      output.end();
      transport.onclose?.();
    },
  };
  return transport;
}
