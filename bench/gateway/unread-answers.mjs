#!/usr/bin/env node
/**
 * Clients that ask for a large answer and never read it (issue 9, item 16), as a user runs it:
 * a real `patchbay up --no-auth` child process with a real SDK server behind it, N raw HTTP
 * connections that each send a 2026-07-28 tools/call for a 30 MB answer and never read. Prints
 * the hub's RSS before, at its peak, and after a full GC (asked for over the inspector), so
 * retained memory and not-yet-collected garbage are told apart.
 * Usage: node bench/gateway/unread-answers.mjs [N=6] [bytes=30000000]
 *        PATCHBAY_DIST=dist-old node bench/gateway/unread-answers.mjs   (another build, e.g. the one before)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'undici';

const N = Number(process.argv[2] ?? 6);
const BYTES = Number(process.argv[3] ?? 30_000_000);
const root = fileURLToPath(new URL('../../', import.meta.url));
const main = join(root, process.env.PATCHBAY_DIST ?? 'dist', 'cli', 'main.js');
const home = mkdtempSync(join(tmpdir(), 'pb-bench-home-'));
const project = mkdtempSync(join(tmpdir(), 'pb-bench-project-'));
const sent = join(project, 'sent.log');
writeFileSync(sent, '');
writeFileSync(join(project, '.mcp.json'), JSON.stringify({ mcpServers: { big: { command: process.execPath, args: [join(root, 'test/fixtures/gateway/big-server.mjs'), sent] } } }));
mkdirSync(join(project, '.claude'));
writeFileSync(join(project, '.claude/settings.local.json'), JSON.stringify({ enabledMcpjsonServers: ['big'] }));
const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local/share'), XDG_STATE_HOME: join(home, '.local/state'), XDG_CACHE_HOME: join(home, '.cache') };
const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', main, 'up', '--port', '0', '--no-auth'], { cwd: project, env });
let out = '';
let err = '';
child.stdout.on('data', (d) => (out += d));
child.stderr.on('data', (d) => (err += d));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
while (!/Press Ctrl/.test(out)) await sleep(50);
const port = Number(/127\.0\.0\.1:(\d+)\/mcp/.exec(out)[1]);
const inspector = /Debugger listening on (ws:\/\/\S+)/.exec(err)[1];
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) * 1024;

async function gcRss() {
  const ws = new WebSocket(inspector);
  await new Promise((r) => ws.addEventListener('open', r, { once: true }));
  await new Promise((resolve) => {
    ws.addEventListener('message', (e) => JSON.parse(String(e.data)).id === 1 && resolve());
    ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
  });
  ws.close();
  return rss();
}

function request(bytes) {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'big__big', arguments: { bytes }, _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1' } } } });
  return `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/call\r\nMcp-Name: big__big\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

const before = await gcRss();
const sockets = [];
for (let i = 0; i < N; i++) {
  const s = connect(port, '127.0.0.1');
  s.pause();
  s.on('error', () => {});
  s.write(request(BYTES));
  sockets.push(s);
}
let peak = rss();
const t0 = Date.now();
while ((readFileSync(sent, 'utf8').match(/sent/g) ?? []).length < N && Date.now() - t0 < 300_000) {
  await sleep(100);
  peak = Math.max(peak, rss());
}
// Until the hub is idle: its CPU time stops moving.
const cpu = () => readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ').slice(11, 13).reduce((a, b) => a + Number(b), 0);
for (let last = cpu(), idle = 0; idle < 4; ) {
  await sleep(250);
  peak = Math.max(peak, rss());
  const now = cpu();
  idle = now - last <= 1 ? idle + 1 : 0;
  last = now;
}
const noGc = rss();
const after = await gcRss();
const mib = (b) => (b / 1024 / 1024).toFixed(0);
const drops = (err.match(/dropped a client/g) ?? []).length;
process.stdout.write(`| build | clients × answer | RSS before | peak | settled, no GC | after GC | growth after GC | clients dropped | seconds |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n`);
process.stdout.write(`| ${process.env.PATCHBAY_DIST ?? 'dist'} | ${N} × ${(BYTES / 1e6).toFixed(0)} MB | ${mib(before)} | ${mib(peak)} | ${mib(noGc)} | ${mib(after)} | ${mib(after - before)} | ${drops} | ${((Date.now() - t0) / 1000).toFixed(0)} |\n`);
if (process.env.BENCH_DEBUG) process.stderr.write(err.slice(-3000));
for (const s of sockets) s.destroy();
child.kill('SIGKILL');
process.exit(0);
