// Macro benchmark of the model proxy: one run, three contenders against the same instant
// OpenAI-compatible upstream on 127.0.0.1 — (a) direct, (b) Patchbay, (c) claude-code-router
// 1.0.73 — with tiny and 200 KB requests, streamed and whole, 1 and 64 concurrent clients.
// Prints a markdown table: p50/p99 latency and what the proxy adds over direct, throughput,
// time to first byte of a stream, and the proxies' RSS across 10,000 requests.
//
// Usage: npx tsc -p tsconfig.build.json && node bench/proxy/run.mjs [--quick] [--only=direct,patchbay,ccr] [--sizes=tiny,200KB]
// Needs bench/node_modules (cd bench && npm install). Not a test: numbers vary by machine.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

const here = dirname(fileURLToPath(import.meta.url));
const QUICK = process.argv.includes('--quick');
// --only=patchbay,direct and --sizes=200KB narrow a run while investigating one number.
const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]?.split(',');
const ONLY = arg('only');
const SIZES_ARG = arg('sizes');
const TOKEN = 'pb_bench_token_0123456789';
const children = [];

function forkReady(script, env) {
  return new Promise((resolve, reject) => {
    const child = fork(join(here, script), { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    child.once('message', (m) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

async function waitForPort(port, deadline = Date.now() + 20_000) {
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${port}`);
}

function freePort() {
  return new Promise((resolve) => {
    import('node:net').then(({ createServer }) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    });
  });
}

async function startCcr(upstreamPort) {
  const home = mkdtempSync(join(tmpdir(), 'pb-bench-ccr-'));
  const port = await freePort();
  mkdirSync(join(home, '.claude-code-router'), { recursive: true });
  writeFileSync(join(home, '.claude-code-router', 'config.json'), JSON.stringify({
    PORT: port, HOST: '127.0.0.1', APIKEY: TOKEN, LOG: false, NON_INTERACTIVE_MODE: true,
    Providers: [{ name: 'bench', api_base_url: `http://127.0.0.1:${upstreamPort}/v1/chat/completions`, api_key: 'sk-bench', models: ['gpt-bench'] }],
    Router: { default: 'bench,gpt-bench' },
  }));
  const cli = join(here, '..', 'node_modules', '@musistudio', 'claude-code-router', 'dist', 'cli.js');
  const child = spawn(process.execPath, [cli, 'start'], { env: { ...process.env, HOME: home, USERPROFILE: home }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  await waitForPort(port);
  return { child, port, home };
}

/** CPU time (user + system) a process has used, in ms: robust to a busy machine, unlike latency. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in clock ticks (USER_HZ = 100)
}

function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

// ---- request bodies -------------------------------------------------------------------------
const PARAGRAPH = 'The proxy reads the request once, routes it, and streams the answer back as it arrives. ' +
  'function route(request) { return request.model.includes("haiku") ? small : big; } // ' +
  'Claude Code sends long conversations: source files, tool results, diffs and logs. ';
function conversation(bytes) {
  const messages = [];
  let size = 0;
  let i = 0;
  while (size < bytes) {
    const text = `[${i}] ${PARAGRAPH.repeat(20)}`;
    messages.push({ role: i % 2 === 0 ? 'user' : 'assistant', content: text });
    size += text.length;
    i++;
  }
  if (messages.at(-1).role !== 'user') messages.push({ role: 'user', content: 'Summarise.' });
  return messages;
}
const SIZES = { tiny: [{ role: 'user', content: 'Say hello.' }], '200KB': conversation(200 * 1024) };

function anthropicBody(size, stream) {
  return JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 256, stream, messages: SIZES[size] });
}
function openaiBody(size, stream) {
  return JSON.stringify({ model: 'gpt-bench', max_tokens: 256, stream, ...(stream ? { stream_options: { include_usage: true } } : {}), messages: SIZES[size] });
}

// ---- load generation ------------------------------------------------------------------------
async function load(target, body, { concurrency, total }) {
  const pool = new Pool(target.origin, { connections: concurrency, pipelining: 1 });
  const latencies = new Float64Array(total);
  const ttfb = new Float64Array(total);
  let next = 0;
  let failures = 0;
  const headers = { 'content-type': 'application/json', ...target.headers };
  const started = performance.now();
  async function client() {
    while (true) {
      const i = next++;
      if (i >= total) return;
      const t0 = performance.now();
      try {
        const res = await pool.request({ path: target.path, method: 'POST', headers, body });
        let first = 0;
        for await (const _chunk of res.body) { if (first === 0) first = performance.now(); }
        if (res.statusCode !== 200) failures++;
        const t1 = performance.now();
        latencies[i] = t1 - t0;
        ttfb[i] = (first || t1) - t0;
      } catch {
        failures++;
        latencies[i] = performance.now() - t0;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, client));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  const sorted = Float64Array.from(latencies).sort();
  const sortedTtfb = Float64Array.from(ttfb).sort();
  const q = (arr, p) => arr[Math.min(arr.length - 1, Math.floor(arr.length * p))];
  return { p50: q(sorted, 0.5), p99: q(sorted, 0.99), ttfb50: q(sortedTtfb, 0.5), rps: total / seconds, failures };
}

// ---- the run --------------------------------------------------------------------------------
const upstream = await forkReady('upstream.mjs', {});
const patchbay = await forkReady('patchbay-server.mjs', { BENCH_UPSTREAM: `http://127.0.0.1:${upstream.port}/v1`, BENCH_TOKEN: TOKEN });
const wantCcr = !ONLY || ONLY.includes('ccr');
const ccr = wantCcr ? await startCcr(upstream.port) : undefined;

const contenders = {
  direct: { origin: `http://127.0.0.1:${upstream.port}`, path: '/v1/chat/completions', headers: { authorization: 'Bearer sk-bench' }, body: openaiBody },
  patchbay: { origin: `http://127.0.0.1:${patchbay.port}`, path: '/v1/messages', headers: { 'x-api-key': TOKEN, 'anthropic-version': '2023-06-01' }, body: anthropicBody, pid: patchbay.child.pid },
  ...(ccr ? { 'claude-code-router 1.0.73': { origin: `http://127.0.0.1:${ccr.port}`, path: '/v1/messages', headers: { 'x-api-key': TOKEN, 'anthropic-version': '2023-06-01' }, body: anthropicBody, pid: ccr.child.pid } } : {}),
};
if (ONLY && !ONLY.includes('patchbay')) delete contenders.patchbay;

const scale = QUICK ? 0.1 : 1;
const plan = [];
for (const size of SIZES_ARG ?? ['tiny', '200KB']) {
  for (const stream of [false, true]) {
    for (const concurrency of [1, 64]) {
      const total = Math.max(concurrency * 2, Math.round(scale * (size === 'tiny' ? (concurrency === 1 ? 2000 : 10000) : (concurrency === 1 ? 300 : 640))));
      plan.push({ size, stream, concurrency, total });
    }
  }
}

// Cold start: the first 500 tiny whole requests each process serves, before V8 has optimised it.
const cold = {};
for (const [name, target] of Object.entries(contenders)) {
  cold[name] = await load(target, target.body('tiny', false), { concurrency: 1, total: QUICK ? 100 : 500 });
}

// Then a warm-up of every path for every contender: the measurements below in a small
// experiment kept improving for the first ~3,000 requests (V8's optimising compiler), so each
// process serves 3,000 tiny requests of each mode and 100 large ones before anything is timed.
for (const target of Object.values(contenders)) {
  for (const stream of [false, true]) {
    await load(target, target.body('tiny', stream), { concurrency: 4, total: QUICK ? 300 : 3000 });
    if (!SIZES_ARG || SIZES_ARG.includes('200KB')) await load(target, target.body('200KB', stream), { concurrency: 4, total: QUICK ? 10 : 100 });
  }
}

const rows = [];
for (const step of plan) {
  const results = {};
  for (const [name, target] of Object.entries(contenders)) {
    const body = target.body(step.size, step.stream);
    // Warm-up: enough requests for V8 to optimise every contender's hot path, so the table shows
    // the steady state a long-running proxy lives in, not the first seconds of JIT compilation.
    await load(target, body, { concurrency: step.concurrency, total: Math.min(step.total, Math.max(500, step.concurrency * 8)) });
    const cpuBefore = target.pid ? cpuMs(target.pid) : 0;
    results[name] = await load(target, body, step);
    if (target.pid) results[name].cpuPerRequest = (cpuMs(target.pid) - cpuBefore) / step.total;
    process.stderr.write(`${step.size} ${step.stream ? 'stream' : 'whole'} c=${step.concurrency} ${name}: p50 ${results[name].p50.toFixed(2)} ms, ${results[name].rps.toFixed(0)} req/s${results[name].failures ? `, ${results[name].failures} failed` : ''}\n`);
  }
  rows.push({ step, results });
}

// RSS across 10,000 streamed requests at 64 clients, sampled every 2,000.
const rss = {};
for (const name of ['patchbay', 'claude-code-router 1.0.73']) {
  const target = contenders[name];
  if (!target) continue;
  const samples = [rssMiB(target.pid)];
  for (let i = 0; i < 5; i++) {
    await load(target, target.body('tiny', true), { concurrency: 64, total: QUICK ? 200 : 2000 });
    samples.push(rssMiB(target.pid));
  }
  rss[name] = samples;
}

// ---- report ---------------------------------------------------------------------------------
const f = (n) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const out = [];
out.push(`Model proxy benchmark — ${new Date().toISOString()}, node ${process.version}, ${QUICK ? 'quick run' : 'full run'}`);
out.push('');
out.push('| request | mode | clients | contender | p50 ms | p99 ms | added p50 ms | added p99 ms | first byte p50 ms | req/s | proxy CPU ms/req | failed |');
out.push('|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const { step, results } of rows) {
  const direct = results.direct;
  for (const [name, r] of Object.entries(results)) {
    const added = name === 'direct' || !direct ? '' : f(r.p50 - direct.p50);
    const added99 = name === 'direct' || !direct ? '' : f(r.p99 - direct.p99);
    out.push(`| ${step.size} | ${step.stream ? 'stream' : 'whole'} | ${step.concurrency} | ${name} | ${f(r.p50)} | ${f(r.p99)} | ${added} | ${added99} | ${step.stream ? f(r.ttfb50) : ''} | ${r.rps.toFixed(0)} | ${r.cpuPerRequest === undefined ? '' : r.cpuPerRequest.toFixed(2)} | ${r.failures} |`);
  }
}
out.push('');
out.push(`Cold start — p50 of the first ${QUICK ? 100 : 500} tiny whole requests after each process started (1 client): ${Object.entries(cold).map(([name, r]) => `${name} ${f(r.p50)} ms`).join(', ')}. The table above is measured after a warm-up of 500+ requests per row.`);
out.push('');
out.push('Throughput ratio Patchbay / claude-code-router at 64 clients:');
for (const { step, results } of rows.filter((r) => r.step.concurrency === 64)) {
  if (results.patchbay && results['claude-code-router 1.0.73']) out.push(`- ${step.size} ${step.stream ? 'stream' : 'whole'}: ${(results.patchbay.rps / results['claude-code-router 1.0.73'].rps).toFixed(1)}x`);
}
out.push('');
out.push(`RSS (MiB) at start and after each ${QUICK ? 200 : 2000} streamed tiny requests at 64 clients (${QUICK ? 1000 : 10000} in all):`);
for (const [name, samples] of Object.entries(rss)) out.push(`- ${name}: ${samples.map((s) => s.toFixed(0)).join(' → ')}`);
out.push('');
out.push(`Load average during the run (2 cores): ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} — latency on a shared machine includes waiting for a core; CPU ms/req does not.`);
console.log(out.join('\n'));

for (const child of children) child.kill('SIGTERM');
if (ccr) rmSync(ccr.home, { recursive: true, force: true });
