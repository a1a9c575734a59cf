import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createOutbox, type Outbox } from './outbox.js';

/** A server whose handler is the test's; clients are raw sockets that read only when told. */
async function serve(handler: (res: ServerResponse) => void): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => handler(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function stalledClient(port: number): Socket {
  const socket = connect(port, '127.0.0.1');
  socket.pause();
  socket.on('error', () => undefined);
  socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  return socket;
}

function readAll(socket: Socket): Promise<string> {
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => (text += d));
  socket.resume();
  return new Promise((resolve) => socket.on('close', () => resolve(text)));
}

const MB = 1024 * 1024;
let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe('createOutbox', () => {
  it('writes a large answer in full, with its Content-Length, to a client that reads', async () => {
    const outbox = createOutbox();
    const body = `{"text":"${'é😀x'.repeat(500_000)}"}`;
    ({ server } = await serve((res) => outbox.answer(res, body, { 'content-type': 'application/json' })));
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const raw = Buffer.from(await readAll(socket), 'latin1');
    const split = raw.indexOf('\r\n\r\n');
    expect(raw.subarray(0, split).toString()).toContain(`content-length: ${Buffer.byteLength(body)}`);
    expect(raw.subarray(split + 4).toString('utf8')).toBe(body);
    expect(outbox.unreadBytes).toBe(0);
  });

  it('caps the unread bytes of all clients: past the cap the one holding the most is dropped, and the log says so', async () => {
    const lines: string[] = [];
    const outbox: Outbox = createOutbox({ maxUnreadBytes: 36 * MB, log: (l) => lines.push(l) });
    let served = 0;
    const big = 'y'.repeat(24 * MB);
    let allServed!: () => void;
    const done = new Promise<void>((resolve) => (allServed = resolve));
    let port: number;
    ({ server, port } = await serve((res) => {
      outbox.answer(res, big, { 'content-type': 'text/plain' });
      if (++served === 4) allServed();
    }));
    const clients = Array.from({ length: 4 }, () => stalledClient(port));
    await done;
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines[0]).toMatch(/^dropped a client that is not reading its answer \(\d+\.\d MiB unread\): the unread answers held for all clients would pass 36\.0 MiB$/);
    expect(outbox.unreadBytes).toBeLessThanOrEqual(36 * MB);
    // The clients that were kept get their whole answer once they read.
    const bodies = await Promise.all(clients.map(readAll));
    const complete = bodies.filter((b) => b.endsWith(big));
    expect(complete.length).toBe(4 - lines.length);
  });

  it('drops a large answer nobody reads for stallMs', async () => {
    const lines: string[] = [];
    const outbox = createOutbox({ stallMs: 200, log: (l) => lines.push(l) });
    let port: number;
    ({ server, port } = await serve((res) => outbox.answer(res, 'z'.repeat(20 * MB), {})));
    const client = stalledClient(port);
    while (lines.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lines[0]).toMatch(/nothing was read for 0 s$/);
    expect(outbox.unreadBytes).toBe(0);
    client.destroy();
  });

  it('drops a stream whose client lets more than the per-stream limit pile up', async () => {
    const lines: string[] = [];
    const outbox = createOutbox({ maxStreamUnreadBytes: 2 * MB, log: (l) => lines.push(l) });
    let results: boolean[] = [];
    let port: number;
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    ({ server, port } = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const frame = `data: ${'n'.repeat(64 * 1024)}\n\n`;
      const write = () => {
        const ok = outbox.write(res, frame);
        results.push(ok);
        if (ok && results.length < 2_000) setImmediate(write);
        else finished();
      };
      write();
    }));
    const client = stalledClient(port);
    await done;
    expect(results.at(-1)).toBe(false);
    expect(results.length).toBeLessThan(2_000);
    expect(lines[0]).toMatch(/^dropped a stream whose client is not reading it \(\d+\.\d MiB unread, over the 2\.0 MiB limit per stream\)$/);
    client.destroy();
  });
});
