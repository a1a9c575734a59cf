/**
 * Child process for the leak test (needs --expose-gc): the real hub with one stdio server and
 * the gateway, then N client sessions opened and closed over HTTP (initialize, initialized,
 * a tools/call on every tenth, DELETE), plus 2026-07-28 calls that have no session. Prints one
 * JSON line with the before/after facts.
 */
import { Agent, request } from 'node:http';
import { ECHO_SERVER, startGateway, stdioServer } from './helpers/harness.js';

const total = Number(process.argv[2] ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const running = await startGateway([stdioServer('echo', ECHO_SERVER)], { token: 'pb_leak' });
const url = new URL(running.url);
const agent = new Agent({ keepAlive: true, maxSockets: 8 });

function post(body: unknown, session?: string, method = 'POST', extra: Record<string, string> = {}): Promise<{ status: number; session?: string; text: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? '' : JSON.stringify(body);
    const headers: Record<string, string | number> = { ...extra, authorization: 'Bearer pb_leak', 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(data) };
    if (session) headers['mcp-session-id'] = session;
    const req = request({ agent, host: url.hostname, port: url.port, path: url.pathname, method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, session: res.headers['mcp-session-id'] as string | undefined, text }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

const envelope = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };
// SEP-2243: a 2026-07-28 request names its version, method and tool in headers too.
const modernHeaders = { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'echo__echo' };
async function oneSession(i: number): Promise<void> {
  const init = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: `leak-${i}`, version: '1' } } });
  if (init.status !== 200 || !init.session) throw new Error(`initialize failed: ${init.status} ${init.text}`);
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, init.session);
  if (i % 10 === 0) {
    const call = await post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo__echo', arguments: { text: `s${i}` } } }, init.session);
    if (!call.text.includes(`s${i}`)) throw new Error(`call failed: ${call.text}`);
    const modern = await post({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'echo__echo', arguments: { text: `m${i}` }, _meta: envelope } }, undefined, 'POST', modernHeaders);
    if (!modern.text.includes(`m${i}`)) throw new Error(`modern call failed: ${modern.text}`);
  }
  const closed = await post(undefined, init.session, 'DELETE');
  if (closed.status !== 200) throw new Error(`DELETE failed: ${closed.status}`);
}

async function run(count: number, offset: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < count) await oneSession(offset + next++);
  }));
}

function facts() {
  gc!();
  gc!();
  return {
    heapUsed: process.memoryUsage().heapUsed,
    sessions: running.gateway.sessions.size,
    parked: running.gateway.dispatcher.modern.parked,
    listeners: [...running.gateway.fanout.listeners()].length,
    pids: running.hub.status().map((s) => s.pid),
    hub: running.hub.stats(),
  };
}

await run(500, 0); // warm up: JIT, caches, pools
const before = facts();
await run(total, 500);
await new Promise((r) => setTimeout(r, 200));
const after = facts();
agent.destroy();
await running.close();
process.stdout.write(`${JSON.stringify({ before, after, total })}\n`);
