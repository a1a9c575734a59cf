/**
 * Clients that ask for a large answer and never read it (issue 9, item 16). Before, every such
 * answer stayed in the hub until its client read it, however many there were: twelve clients
 * asking for 30 MB left `patchbay up` holding ~460 MB more after a full GC (and peaking at
 * ~1.8 GB; bench/gateway/unread-answers.mjs). Now large answers follow the socket's
 * backpressure, the unread bytes of all clients together are capped (128 MiB), and the client
 * holding the most is dropped past the cap.
 *
 * Measured on a real `patchbay up` child process: its RSS (from /proc) after a full garbage
 * collection, asked for through the inspector protocol, so the figure is what the hub retains
 * rather than garbage V8 has not collected yet. No timing is asserted.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { WebSocket } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, startUp, type UpProcess } from './helpers/up-process.js';

const BIG_SERVER = fileURLToPath(new URL('../fixtures/gateway/big-server.mjs', import.meta.url));
const CLIENTS = 12;
const ANSWER_BYTES = 30_000_000;
const MB = 1024 * 1024;
const linux = process.platform === 'linux';

/** Asks the process for a full GC through its inspector (Chrome DevTools Protocol), then reads its RSS. */
async function retainedRss(inspectorUrl: string, pid: number): Promise<number> {
  const ws = new WebSocket(inspectorUrl);
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', reject, { once: true });
  });
  for (let id = 1; id <= 2; id++) {
    const done = new Promise<void>((resolve) => {
      const onMessage = (event: { data: unknown }) => {
        if (JSON.parse(String(event.data)).id === id) {
          ws.removeEventListener('message', onMessage);
          resolve();
        }
      };
      ws.addEventListener('message', onMessage);
    });
    ws.send(JSON.stringify({ id, method: 'HeapProfiler.collectGarbage' }));
    await done;
  }
  ws.close();
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
}

/** A raw HTTP/1.1 connection that sends one 2026-07-28 tools/call for a big answer and never reads. */
function nonReadingClient(port: number): Socket {
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: {
      name: 'big__big',
      arguments: { bytes: ANSWER_BYTES },
      _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { name: 'stalled', version: '1' } },
    },
  });
  const socket = connect(port, '127.0.0.1');
  socket.pause();
  socket.on('error', () => undefined);
  socket.write(
    `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n` +
      `MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/call\r\nMcp-Name: big__big\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  return socket;
}

describe.skipIf(!linux)('clients that never read their large answers', () => {
  let up: UpProcess;
  let inspector: string;
  let sentFile: string;
  beforeAll(async () => {
    sentFile = join(mkdtempSync(join(tmpdir(), 'patchbay-unread-')), 'sent.log');
    const project = makeProject({ big: { command: process.execPath, args: [BIG_SERVER, sentFile] } });
    up = await startUp(project, ['--no-auth'], {}, ['--inspect=127.0.0.1:0']);
    inspector = /Debugger listening on (ws:\/\/\S+)/.exec(up.output.stderr)![1]!;
  }, 60_000);
  afterAll(async () => {
    await up?.stop();
  });

  it(`keeps the hub's memory bounded with ${CLIENTS} clients each leaving a 30 MB answer unread, and keeps serving`, { timeout: 180_000 }, async () => {
    const reader = new Client({ name: 'reader', version: '1' });
    await reader.connect(new StreamableHTTPClientTransport(new URL(up.url)));
    // Warm up: the code paths a big answer takes are loaded before the baseline.
    const warm = (await reader.callTool({ name: 'big__big', arguments: { bytes: MB } })) as { content: Array<{ text: string }> };
    expect(warm.content[0]!.text.length).toBe(MB);
    const before = await retainedRss(inspector, up.pid);

    const sockets = Array.from({ length: CLIENTS }, () => nonReadingClient(up.port));
    // The server has written every answer once the file says so (plus the warm-up one); an answer
    // from the same pipe after that was read by the hub after them.
    while ((readFileSync(sentFile, 'utf8').match(/sent/g) ?? []).length < CLIENTS + 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await reader.callTool({ name: 'big__small', arguments: {} })).toMatchObject({ content: [{ type: 'text', text: 'small' }] });
    const after = await retainedRss(inspector, up.pid);

    const growth = after - before;
    // Before the fix the hub kept every unread answer (~460 MiB for twelve); now at most the
    // 128 MiB cap of unread answers stays, plus allocator slack (~190 MiB measured).
    expect(growth, `RSS grew by ${Math.round(growth / MB)} MiB`).toBeLessThan(320 * MB);
    // The clients holding the most past the cap were dropped, and the operator was told.
    while (!up.output.stderr.includes('dropped a client')) await new Promise((resolve) => setTimeout(resolve, 50));
    const drops = up.output.stderr.match(/dropped a client that is not reading its answer \(\d+\.\d MiB unread\): the unread answers held for all clients would pass 128\.0 MiB/g) ?? [];
    expect(drops.length).toBeGreaterThanOrEqual(1);
    // Still serving readers.
    const again = (await reader.callTool({ name: 'big__big', arguments: { bytes: 2 * MB } })) as { content: Array<{ text: string }> };
    expect(again.content[0]!.text.length).toBe(2 * MB);
    await reader.close();
    for (const s of sockets) s.destroy();
  });
});
