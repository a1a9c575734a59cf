#!/usr/bin/env node
/**
 * Micro benchmark of the gateway's own hot path (HTTP parse → session → dispatcher → JSON
 * answer) with an in-memory hub that answers at once, next to a bare node:http server that
 * answers the same bytes: what Patchbay's endpoint costs per call apart from the hub and the
 * upstream. Both run in this process one after the other; the driver is a separate process.
 * Usage: node bench/gateway/micro.mjs [--seconds 3]   (build dist/ first; PATCHBAY_DIST=<dir> for another build)
 */
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
// PATCHBAY_DIST=<dir> runs another build (a tsc outDir in the repo), to compare before and after.
const { createGateway } = await import(new URL(`../../${process.env.PATCHBAY_DIST ?? 'dist'}/gateway/index.js`, import.meta.url).href);

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1] || 3) || 3;

if (process.argv[2] === '--drive') {
  const { Agent, request } = await import('node:http');
  const [url, concurrency, ms] = [new URL(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let session;
  const post = (m) => new Promise((resolve, reject) => {
    const body = JSON.stringify(m);
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(body) };
    if (session) headers['mcp-session-id'] = session;
    const req = request({ agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        session ??= res.headers['mcp-session-id'];
        resolve(Buffer.concat(chunks).toString());
      });
    });
    req.on('error', reject);
    req.end(body);
  });
  await post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'micro', version: '1' } } });
  let id = 1;
  const lat = [];
  const end = performance.now() + ms;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      await post({ jsonrpc: '2.0', id: id++, method: 'tools/call', params: { name: 'echo__echo', arguments: { text: 'hello' } } });
      lat.push(performance.now() - t0);
    }
  }));
  lat.sort((a, b) => a - b);
  process.send({ n: lat.length, p50: lat[Math.floor(lat.length / 2)] });
  agent.destroy();
  process.exit(0);
}

const RESULT = { content: [{ type: 'text', text: 'hello' }] };
const hub = {
  start: async () => {}, stop: async () => {}, status: () => [], capabilities: () => ({ tools: {} }),
  on: () => () => {}, closeSession: () => {},
  request: async () => RESULT,
};

function drive(url, concurrency) {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(import.meta.url), ['--drive', url, String(concurrency), String(seconds * 1000)]);
    child.on('message', resolve);
  });
}

async function run(label, listen) {
  const { port, close } = await listen();
  const rows = [];
  // A first pass warms the JIT and node:http for whichever server runs first.
  await drive(`http://127.0.0.1:${port}/mcp`, 4);
  for (const c of [1, 16]) {
    const cpu0 = process.cpuUsage();
    const r = await drive(`http://127.0.0.1:${port}/mcp`, c);
    const cpu = process.cpuUsage(cpu0);
    rows.push(`| ${label} | ${c} | ${(r.n / seconds).toFixed(0)} | ${r.p50.toFixed(3)} | ${((cpu.user + cpu.system) / r.n).toFixed(0)} |`);
  }
  await close();
  return rows;
}

const lines = ['| server | callers | calls/s | p50 ms | server CPU µs/call |', '|---|---:|---:|---:|---:|'];
lines.push(...await run('Patchbay gateway (in-memory hub)', async () => {
  const gateway = createGateway({ hub });
  const http = await gateway.serveHttp({ host: '127.0.0.1', port: 0, token: undefined });
  return { port: http.port, close: () => gateway.close() };
}));
lines.push(...await run('bare node:http (same bytes)', async () => {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, result: RESULT });
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const m = JSON.parse(Buffer.concat(chunks).toString());
      const out = m.method === 'initialize' ? '{"jsonrpc":"2.0","id":0,"result":{}}' : body.replace('"id":1', `"id":${m.id}`);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out), 'mcp-session-id': 's' }).end(out);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { port: server.address().port, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}));
process.stdout.write(`${lines.join('\n')}\n`);
