#!/usr/bin/env node
/**
 * Gateway macro benchmark: the same echo tool of one stdio MCP server (SDK v2) called
 * (a) directly over stdio, (b) through Patchbay's HTTP endpoint (real hub + gateway),
 * (c) through supergateway 4.0.0 (stateful Streamable HTTP), (d) through a bare node:http relay,
 * with 1 and 16 concurrent callers on one session. The driver speaks raw JSON-RPC over one
 * keep-alive agent, so the client's cost is the same for every contender. Prints a markdown table.
 * Usage: node bench/gateway/run.mjs [--seconds 3] [--warmup 3000]   (build dist/ first; bench deps installed)
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const ECHO = here('../../test/fixtures/gateway/echo-server.mjs');
const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1] || 3) || 3;
// Long enough for V8 to optimise the hot path of every contender (and of the echo server behind
// it): the table shows the steady state a long-running gateway lives in, not JIT compilation.
const WARMUP_MS = Number(process.argv[process.argv.indexOf('--warmup') + 1] || 3000) || 3000;
const node = process.execPath;
const children = [];

function start(args, readyPattern) {
  const child = spawn(node, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d) => {
      out += d.toString();
      if (readyPattern.test(out)) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${out}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 2000).unref();
  });
}

/** A caller over HTTP: initialize once, then tools/call on the session. */
async function httpCaller(url) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const u = new URL(url);
  let session;
  const post = (message) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify(message);
      const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(body), 'mcp-protocol-version': '2025-11-25' };
      if (session) headers['mcp-session-id'] = session;
      const req = request({ agent, host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          if (res.headers['mcp-session-id']) session = res.headers['mcp-session-id'];
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode === 202) return resolve(undefined);
          if ((res.headers['content-type'] ?? '').includes('text/event-stream')) {
            const line = text.split('\n').reverse().find((l) => l.startsWith('data: ') && l.length > 7);
            return resolve(line ? JSON.parse(line.slice(6)) : undefined);
          }
          resolve(text ? JSON.parse(text) : undefined);
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  const init = await post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } });
  if (!init?.result) throw new Error(`initialize failed at ${url}: ${JSON.stringify(init)}`);
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return { call: (id, name) => post({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: { text: 'hello' } } }), close: () => agent.destroy() };
}

/** A caller straight on the server's stdio. */
async function stdioCaller() {
  const child = spawn(node, [ECHO], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  const waiting = new Map();
  createInterface({ input: child.stdout }).on('line', (line) => {
    const m = JSON.parse(line);
    const w = waiting.get(m.id);
    if (w) {
      waiting.delete(m.id);
      w(m);
    }
  });
  const send = (message) => new Promise((resolve) => {
    if (message.id !== undefined) waiting.set(message.id, resolve);
    child.stdin.write(`${JSON.stringify(message)}\n`);
    if (message.id === undefined) resolve(undefined);
  });
  await send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } });
  await send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return { call: (id, name) => send({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: { text: 'hello' } } }), close: () => stop(child) };
}

async function measure(caller, tool, concurrency) {
  let id = 1;
  const latencies = [];
  let recording = false;
  let stopAt = Infinity;
  async function worker() {
    while (performance.now() < stopAt) {
      const t0 = performance.now();
      const reply = await caller.call(id++, tool);
      if (!reply?.result || reply.result.isError) throw new Error(`call failed: ${JSON.stringify(reply)}`);
      if (recording) latencies.push(performance.now() - t0);
    }
  }
  const began = performance.now();
  stopAt = began + WARMUP_MS + seconds * 1000;
  setTimeout(() => (recording = true), WARMUP_MS);
  const measuredFrom = began + WARMUP_MS;
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - measuredFrom) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { rate: latencies.length / elapsed, p50: q(0.5), p99: q(0.99), n: latencies.length };
}

/**
 * CPU time a process has used, in ms (Linux /proc; clock ticks of 10 ms). On a shared machine
 * wall-clock rates swing with other load, while CPU per call stays comparable between runs.
 */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

const results = [];
async function contender(label, open, tool, pid) {
  for (const concurrency of [1, 16]) {
    const caller = await open();
    const cpu0 = pid === undefined ? undefined : cpuMs(pid);
    const r = await measure(caller, tool, concurrency);
    const cpu1 = pid === undefined ? undefined : cpuMs(pid);
    await caller.close();
    // Warm-up calls are included in the CPU figure's denominator via the measured rate window.
    const calls = r.n * ((WARMUP_MS + seconds * 1000) / (seconds * 1000));
    const cpuPerCall = cpu0 === undefined || cpu1 === undefined ? undefined : ((cpu1 - cpu0) * 1000) / calls;
    results.push({ label, concurrency, ...r, cpuPerCall });
    process.stderr.write(`${label} x${concurrency}: ${r.rate.toFixed(0)} calls/s p50 ${r.p50.toFixed(3)} ms p99 ${r.p99.toFixed(3)} ms${cpuPerCall === undefined ? '' : ` cpu ${cpuPerCall.toFixed(0)} µs/call`}\n`);
  }
}

const ports = { patchbay: 18765, supergateway: 18766, relay: 18767 };
try {
  await contender('direct stdio', stdioCaller, 'echo');

  const patchbay = await start([here('patchbay-server.mjs'), String(ports.patchbay), node, ECHO], /listening/);
  await contender('Patchbay (HTTP)', () => httpCaller(`http://127.0.0.1:${ports.patchbay}/mcp`), 'echo__echo', patchbay.pid);
  await stop(patchbay);

  const require = createRequire(here('../package.json'));
  let supergatewayBin;
  try {
    supergatewayBin = require.resolve('supergateway/dist/index.js');
  } catch {
    process.stderr.write('supergateway is not installed: cd bench && npm install supergateway@4.0.0\n');
  }
  if (supergatewayBin) {
    const sg = await start([supergatewayBin, '--stdio', `${node} ${ECHO}`, '--outputTransport', 'streamableHttp', '--stateful', '--port', String(ports.supergateway), '--logLevel', 'info'], /Listening|listening/);
    await contender('supergateway 4.0.0', () => httpCaller(`http://127.0.0.1:${ports.supergateway}/mcp`), 'echo', sg.pid);
    await stop(sg);
  }

  const relay = await start([here('bare-relay.mjs'), String(ports.relay), node, ECHO], /listening/);
  await contender('bare relay', () => httpCaller(`http://127.0.0.1:${ports.relay}/mcp`), 'echo', relay.pid);
  await stop(relay);
} finally {
  await Promise.all(children.map(stop));
}

const get = (label, c) => results.find((r) => r.label === label && r.concurrency === c);
const lines = ['| path | callers | calls/s | p50 ms | p99 ms | gateway CPU µs/call |', '|---|---:|---:|---:|---:|---:|'];
for (const r of results) lines.push(`| ${r.label} | ${r.concurrency} | ${r.rate.toFixed(0)} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${r.cpuPerCall === undefined ? '–' : r.cpuPerCall.toFixed(0)} |`);
const pb16 = get('Patchbay (HTTP)', 16);
const relay16 = get('bare relay', 16);
const sg16 = get('supergateway 4.0.0', 16);
const pb1 = get('Patchbay (HTTP)', 1);
const direct1 = get('direct stdio', 1);
lines.push('');
if (pb16 && relay16) lines.push(`- Patchbay / bare relay at 16 callers: ${(pb16.rate / relay16.rate).toFixed(2)}x (target ≥ 0.5x)`);
if (pb16 && sg16) lines.push(`- Patchbay / supergateway at 16 callers: ${(pb16.rate / sg16.rate).toFixed(1)}x (target ≥ 5x)`);
if (pb1 && direct1) lines.push(`- Patchbay added p50 at 1 caller: ${(pb1.p50 - direct1.p50).toFixed(3)} ms over direct stdio (target < 1 ms)`);
process.stdout.write(`${lines.join('\n')}\n`);
