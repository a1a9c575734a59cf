#!/usr/bin/env node
/**
 * A 20 MB single-line message from a stdio server (issue 9, item 17), two ways:
 * 1. micro: the stdio transport's line splitting alone, the splitter it replaced (append every
 *    chunk to one string, search it from the start) next to line-splitter.ts, on the same 64 KiB
 *    chunks of one 20 MB line and of 100,000 small lines;
 * 2. macro: the real hub and gateway (dist/) with a real SDK server answering 20 MB, and how long
 *    another client's initializes take meanwhile (back to back, so a stalled event loop shows in
 *    the max), next to the same on an idle hub.
 * Usage: node bench/hub/stdio-lines.mjs   (build dist/ first; PATCHBAY_DIST=<dir> runs the macro part on another build)
 */
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { createLineSplitter } from '../../dist/hub/upstream/line-splitter.js';
// The macro part can run an older build next to this one: PATCHBAY_DIST=dist-old (a tsc outDir in the repo).
const dist = new URL(`../../${process.env.PATCHBAY_DIST ?? 'dist'}/`, import.meta.url);
const { createHub } = await import(new URL('hub/index.js', dist).href);
const { createGateway } = await import(new URL('gateway/index.js', dist).href);

const CHUNK = 64 * 1024;
const chunksOf = (text) => {
  const bytes = Buffer.from(text);
  const out = [];
  for (let i = 0; i < bytes.length; i += CHUNK) out.push(bytes.subarray(i, i + CHUNK));
  return out;
};

/** The splitter stdio-transport.ts used before. */
function oldSplitter(onLine) {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  return (chunk) => {
    pending += decoder.write(chunk);
    let start = 0;
    let newline;
    while ((newline = pending.indexOf('\n', start)) !== -1) {
      onLine(pending.slice(start, newline));
      start = newline + 1;
    }
    pending = start === 0 ? pending : pending.slice(start);
  };
}

function time(label, chunks, make) {
  const runs = [];
  for (let r = 0; r < 5; r++) {
    let lines = 0;
    const push = make(() => lines++);
    const t0 = performance.now();
    for (const c of chunks) push(c);
    runs.push(performance.now() - t0);
  }
  runs.sort((a, b) => a - b);
  return `| ${label} | ${runs[2].toFixed(1)} |`;
}

const oneLine = chunksOf(`{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"${'x'.repeat(20 * 1024 * 1024)}"}]}}\n`);
const manyLines = chunksOf(`${'{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"hello"}}\n'.repeat(100_000)}`);
const rows = ['| splitter, input | median ms of 5 |', '|---|---:|'];
for (const [name, chunks] of [['one 20 MiB line', oneLine], ['100,000 small lines', manyLines]]) {
  rows.push(time(`before (string append + rescan), ${name}`, chunks, (onLine) => oldSplitter(onLine)));
  rows.push(time(`line-splitter.ts, ${name}`, chunks, (onLine) => {
    const s = createLineSplitter({ maxLineBytes: 64 * 1024 * 1024, onLine, onOversized: () => {} });
    return (c) => s.push(c);
  }));
}
process.stdout.write(`${rows.join('\n')}\n\n`);

// Macro: initialize latency of a second client while the hub receives a 20 MB answer.
const BIG = fileURLToPath(new URL('../../test/fixtures/gateway/big-server.mjs', import.meta.url));
const hub = createHub({ servers: [{ name: 'big', scope: 'user', file: '/dev/null', entry: { command: process.execPath, args: [BIG] } }], ping: { intervalMs: 0 } });
await hub.start();
const gateway = createGateway({ hub });
const http = await gateway.serveHttp({ host: '127.0.0.1', port: 0, token: undefined });
const post = async (body, session) => {
  const r = await fetch(http.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(session ? { 'mcp-session-id': session } : {}) }, body: JSON.stringify(body) });
  await r.arrayBuffer();
  return r.headers.get('mcp-session-id');
};
const init = (id) => ({ jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'b', version: '1' } } });
/** Initializes back to back until `until` settles: how long each took. */
async function initLatencies(until) {
  const out = [];
  let done = false;
  void until.then(() => (done = true));
  for (let i = 0; !done || out.length < 5; i++) {
    const t0 = performance.now();
    await post(init(1000 + i));
    out.push(performance.now() - t0);
  }
  return out;
}
const idle = await initLatencies(new Promise((r) => setTimeout(r, 1000)));
const session = await post(init(1));
// CPU of this process (hub, gateway, and the client's fetch) for one 20 MiB answer, wall time too.
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
await post({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'big__big', arguments: { bytes: 20 * 1024 * 1024 } } }, session);
const wall = performance.now() - wall0;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(`| one 20 MiB answer through the hub | ms |\n|---|---:|\n| wall | ${wall.toFixed(0)} |\n| CPU of the hub process | ${((cpu.user + cpu.system) / 1000).toFixed(0)} |\n\n`);
const busy = [];
for (let i = 0; i < 3; i++) {
  busy.push(...(await initLatencies(post({ jsonrpc: '2.0', id: 2 + i, method: 'tools/call', params: { name: 'big__big', arguments: { bytes: 20 * 1024 * 1024 } } }, session))));
}
const stats = (a) => {
  a.sort((x, y) => x - y);
  return `${a[Math.floor(a.length / 2)].toFixed(1)} | ${a[a.length - 1].toFixed(1)} | ${a.length}`;
};
process.stdout.write(`| another client's initialize | median ms | max ms | n |\n|---|---:|---:|---:|\n| hub idle | ${stats(idle)} |\n| while the hub receives three 20 MiB answers | ${stats(busy)} |\n`);
await gateway.close();
await hub.stop();
