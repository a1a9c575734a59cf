/**
 * The official SDK v2 client resumes by itself: its connection to the gateway is cut mid-call (a
 * TCP relay on 127.0.0.1 between them is severed), it reconnects with Last-Event-ID, and still
 * gets every progress notification exactly once and the result — from the real gateway and hub
 * in front of a real upstream server.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHO_SERVER, startGateway, stdioServer, type Running } from './helpers/harness.js';
import { eventually } from './helpers/sse.js';

const TOKEN = 'pb_resume_sdk';

/** Forwards TCP to the gateway until told to cut every connection (new ones are still accepted). */
async function startRelay(target: () => number): Promise<{ port: number; heads: string[]; sever(): void; close(): Promise<void> }> {
  const pairs = new Set<[Socket, Socket]>();
  /** Request heads the client sent, to see how it reconnected. */
  const heads: string[] = [];
  const server: Server = createServer((client) => {
    const upstream = connect(target(), '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      if (/^(GET|POST|DELETE) /.test(text)) heads.push(text.slice(0, text.indexOf('\r\n\r\n')));
    });
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  function sever(): void {
    for (const [a, b] of [...pairs]) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    heads,
    sever,
    close() {
      sever();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('SDK client resumes a cut stream', () => {
  let running: Running;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let relayPort = 0;
  beforeAll(async () => {
    // The relay listens first: its port is in the Host header the gateway must accept.
    relay = await startRelay(() => Number(new URL(running.url).port));
    relayPort = relay.port;
    running = await startGateway([stdioServer('echo', ECHO_SERVER)], { token: TOKEN, allowedHosts: [`127.0.0.1:${relayPort}`], gateway: { resume: { retryMs: 20 } } });
  });
  afterAll(async () => {
    await relay?.close();
    await running?.close();
  });

  it('gets every progress notification once and the result after its connection is severed mid-call', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${relayPort}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } },
      reconnectionOptions: { initialReconnectionDelay: 20, maxReconnectionDelay: 200, reconnectionDelayGrowFactor: 1.5, maxRetries: 20 },
    });
    const client = new Client({ name: 'resumer', version: '1' });
    await client.connect(transport);
    const direct = new Client({ name: 'releaser', version: '1' });
    await direct.connect(new StreamableHTTPClientTransport(new URL(running.url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));

    const progress: number[] = [];
    let held!: () => void;
    const reachedHold = new Promise<void>((resolve) => (held = resolve));
    const call = client.callTool({ name: 'echo__steps', arguments: { gate: 'sdk', total: 6, holdAfter: 3 } }, {
      onprogress: (p) => {
        progress.push(p.progress);
        if (p.progress === 3) held();
      },
    });
    await reachedHold;
    relay.sever();
    // Let the gateway notice, so what follows goes to the buffer rather than a dead socket.
    const session = running.gateway.sessions.get(transport.sessionId!)!;
    const postStream = () => [...running.gateway.mcp.streams.replayOf(session.id)!.streams()].find((s) => s.kind === 'post');
    await eventually(() => postStream()?.attached === false || postStream()?.finished === true, 'the gateway saw the POST stream drop');
    expect(session.inFlight.size).toBe(1);
    await direct.callTool({ name: 'echo__release', arguments: { gate: 'sdk' } });

    const result = await call;
    expect(result.content).toEqual([{ type: 'text', text: 'done sdk' }]);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    // It came back the way the spec says: a GET naming the last event of that POST stream.
    const stream = postStream()!.id;
    expect(relay.heads.some((h) => h.startsWith('GET ') && new RegExp(`^last-event-id: ${stream}-\\d+$`, 'im').test(h))).toBe(true);
    // The upstream never saw a cancellation.
    const cancelled = await direct.callTool({ name: 'echo__cancellations', arguments: {} });
    expect(JSON.parse((cancelled.content as { text: string }[])[0]!.text)).not.toContain('sdk');
    await client.close();
    await direct.close();
  });
});
