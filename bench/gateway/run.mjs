#!/usr/bin/env node
/**
 * Gateway macro benchmark: the same echo tool of one stdio MCP server (SDK v2) called
 * (a) directly over stdio, (b) through Patchbay's HTTP endpoint (real hub + gateway), (b') the
 * same with every guard `patchbay up` runs (100 permission rules, pinning, the SQLite audit log),
 * (c) through supergateway 4.0.0 (stateful Streamable HTTP), (d) through a bare node:http relay,
 * with 1 and 16 concurrent callers on one session. The driver speaks raw JSON-RPC over one
 * keep-alive agent, so the client's cost is the same for every contender. Prints a markdown table.
 * Patchbay's two rows are measured in alternating rounds (median of --rounds, default 9).
 * Usage: node bench/gateway/run.mjs [--seconds 3] [--warmup 3000] [--rounds 5] [--only patchbay]   (build dist/ first; bench deps installed)
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
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

function start(args, readyPattern, env = {}) {
  const child = spawn(node, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
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

async function measure(caller, tool, concurrency, warmupMs = WARMUP_MS) {
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
  stopAt = began + warmupMs + seconds * 1000;
  setTimeout(() => (recording = true), warmupMs);
  const measuredFrom = began + warmupMs;
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

const loadBefore = loadavg().map((l) => l.toFixed(1)).join(' ');
const ROUNDS = Number(process.argv[process.argv.indexOf('--rounds') + 1] || 9) || 9;
const median = (values) => {
  const sorted = values.filter((v) => v !== undefined).sort((a, b) => a - b);
  return sorted.length === 0 ? undefined : sorted[Math.floor((sorted.length - 1) / 2)];
};

/**
 * Two contenders in alternating rounds. Each round starts both gateways afresh, in alternating
 * order (on this shared 2-CPU machine the gateway started first ran ~10-20% faster than an
 * identical one started second, whatever its port), warms both up, then measures 1 and 16
 * callers back to back, in alternating order.
 */
async function pairedContenders(contenders, tool) {
  const samples = new Map();
  for (let round = 0; round < ROUNDS; round++) {
    const startOrder = round % 2 === 0 ? contenders : [...contenders].reverse();
    const running = new Map();
    for (const c of startOrder) running.set(c, await c.launch());
    for (const c of contenders) {
      const caller = await httpCaller(c.url);
      await measure(caller, tool, 16, round === 0 ? WARMUP_MS : 1000);
      await caller.close();
    }
    for (const concurrency of [1, 16]) {
      const order = (round + (concurrency === 16 ? 1 : 0)) % 2 === 0 ? contenders : [...contenders].reverse();
      for (const c of order) {
        const pid = running.get(c).pid;
        const caller = await httpCaller(c.url);
        const cpu0 = cpuMs(pid);
        const r = await measure(caller, tool, concurrency, 300);
        const cpu1 = cpuMs(pid);
        await caller.close();
        const calls = r.n * ((300 + seconds * 1000) / (seconds * 1000));
        const key = `${c.label}\u0000${concurrency}`;
        if (!samples.has(key)) samples.set(key, []);
        samples.get(key).push({ ...r, cpuPerCall: cpu0 === undefined || cpu1 === undefined ? undefined : ((cpu1 - cpu0) * 1000) / calls });
        process.stderr.write(`round ${round + 1}/${ROUNDS} ${c.label} x${concurrency}: ${r.rate.toFixed(0)} calls/s p50 ${r.p50.toFixed(3)} ms\n`);
      }
    }
    for (const child of running.values()) await stop(child);
  }
  // Per round, the second contender against the first, measured back to back: load that drifts
  // between rounds cancels out of these ratios far better than out of the medians of each row.
  const [a, b] = contenders;
  for (const concurrency of [1, 16]) {
    const as = samples.get(`${a.label}\u0000${concurrency}`);
    const bs = samples.get(`${b.label}\u0000${concurrency}`);
    paired.push({ concurrency, rateRatio: median(as.map((r, i) => bs[i].rate / r.rate)), p50Added: median(as.map((r, i) => bs[i].p50 - r.p50)), cpuRatio: median(as.map((r, i) => (r.cpuPerCall && bs[i].cpuPerCall ? bs[i].cpuPerCall / r.cpuPerCall : undefined))) });
  }
  for (const c of contenders) {
    for (const concurrency of [1, 16]) {
      const rs = samples.get(`${c.label}\u0000${concurrency}`);
      results.push({ label: c.label, concurrency, rate: median(rs.map((r) => r.rate)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), n: rs.reduce((n, r) => n + r.n, 0), cpuPerCall: median(rs.map((r) => r.cpuPerCall)), rounds: rs.length });
    }
  }
}

const paired = [];
const ports = { patchbay: 18765, supergateway: 18766, relay: 18767, policy: 18768 };
// --only patchbay: the two Patchbay rows (policy off, policy on) and nothing else.
const onlyPatchbay = process.argv.includes('--only') && process.argv[process.argv.indexOf('--only') + 1] === 'patchbay';
const POLICY_LABEL = 'Patchbay (HTTP) + 100 rules, pins, audit';
try {
  if (!onlyPatchbay) await contender('direct stdio', stdioCaller, 'echo');

  // Patchbay with the policy off and on: both gateways up at once and measured in alternating
  // rounds, so load that drifts on a shared machine hits both alike; each row is the median of
  // its rounds (--rounds, default 9), and the comparison is the median of per-round ratios.
  const guardsEnv = { PATCHBAY_BENCH_GUARDS: process.env.BENCH_NO_GUARDS ? '0' : '1' }; // BENCH_NO_GUARDS=1: an A/A run, to see the harness's own bias
  await pairedContenders([
    { label: 'Patchbay (HTTP)', url: `http://127.0.0.1:${ports.patchbay}/mcp`, launch: () => start([here('patchbay-server.mjs'), String(ports.patchbay), node, ECHO], /listening/) },
    { label: POLICY_LABEL, url: `http://127.0.0.1:${ports.policy}/mcp`, launch: () => start([here('patchbay-server.mjs'), String(ports.policy), node, ECHO], /listening[^\n]*\n/, guardsEnv) },
  ], 'echo__echo');
  if (onlyPatchbay) throw Object.assign(new Error('only patchbay'), { onlyPatchbay: true });

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
} catch (error) {
  if (!error.onlyPatchbay) throw error;
} finally {
  await Promise.all(children.map(stop));
}

const get = (label, c) => results.find((r) => r.label === label && r.concurrency === c);
const lines = ['| path | callers | calls/s | p50 ms | p99 ms | gateway CPU µs/call |', '|---|---:|---:|---:|---:|---:|'];
for (const r of results) lines.push(`| ${r.label}${r.rounds ? ` (median of ${r.rounds})` : ''} | ${r.concurrency} | ${r.rate.toFixed(0)} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${r.cpuPerCall === undefined ? '–' : r.cpuPerCall.toFixed(0)} |`);
const pb16 = get('Patchbay (HTTP)', 16);
const relay16 = get('bare relay', 16);
const sg16 = get('supergateway 4.0.0', 16);
const pb1 = get('Patchbay (HTTP)', 1);
const direct1 = get('direct stdio', 1);
lines.push('');
if (pb16 && relay16) lines.push(`- Patchbay / bare relay at 16 callers: ${(pb16.rate / relay16.rate).toFixed(2)}x (target ≥ 0.5x)`);
if (pb16 && sg16) lines.push(`- Patchbay / supergateway at 16 callers: ${(pb16.rate / sg16.rate).toFixed(1)}x (target ≥ 5x)`);
if (pb1 && direct1) lines.push(`- Patchbay added p50 at 1 caller: ${(pb1.p50 - direct1.p50).toFixed(3)} ms over direct stdio (target < 1 ms)`);
const policy16 = get(POLICY_LABEL, 16);
const policy1 = get(POLICY_LABEL, 1);
const pair16 = paired.find((p) => p.concurrency === 16);
const pair1 = paired.find((p) => p.concurrency === 1);
if (pb16 && policy16) lines.push(`- Policy on / off at 16 callers: ${(policy16.rate / pb16.rate).toFixed(3)} of the throughput (row medians); ${pair16.rateRatio.toFixed(3)} (median of the per-round ratios) (target ≥ 0.90)${pair16.cpuRatio ? `; gateway CPU per call ${pair16.cpuRatio.toFixed(2)}x` : ''}`);
if (pb1 && policy1) lines.push(`- Policy on, added p50 at 1 caller: ${(policy1.p50 - pb1.p50).toFixed(3)} ms (row medians); ${pair1.p50Added.toFixed(3)} ms (median of the per-round differences) (target < 0.1 ms)`);
lines.push(`- Load while measuring: ${loadBefore} → ${loadavg().map((l) => l.toFixed(1)).join(' ')} (1, 5, 15 min load average; ${cpus().length} CPUs)`);
process.stdout.write(`${lines.join('\n')}\n`);
