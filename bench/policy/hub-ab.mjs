#!/usr/bin/env node
/**
 * What the guards cost one call, measured where it is spent: the real hub from dist/ with the
 * echo server behind it, called in-process (no HTTP, so no client or socket noise), with and
 * without the guards `patchbay up` assembles (100 rules, audit log, pins once they exist).
 * Alternates the two hubs for --rounds rounds of --calls sequential calls and prints the median
 * CPU time (process.cpuUsage) and wall time per call of each, and their difference.
 * Usage: node bench/policy/hub-ab.mjs [--rounds 10] [--calls 2000]   (build first)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchPermissions } from '../gateway/policy-rules.mjs';

const arg = (name, fallback) => Number(process.argv[process.argv.indexOf(name) + 1] || fallback) || fallback;
const ROUNDS = arg('--rounds', 10);
const CALLS = arg('--calls', 2000);
const ECHO = fileURLToPath(new URL('../../test/fixtures/gateway/echo-server.mjs', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'patchbay-hub-ab-'));
mkdirSync(join(home, 'config'), { recursive: true });
writeFileSync(join(home, 'config', 'config.json'), JSON.stringify({ permissions: process.env.BENCH_RULES === '0' ? {} : benchPermissions(), audit: { enabled: process.env.BENCH_AUDIT !== '0' } }));
process.env.PATCHBAY_HOME = home;
const { createHub } = await import('../../dist/hub/index.js');
const { createHubGuards } = await import('../../dist/gateway/guards.js');

const servers = [{ name: 'echo', scope: 'user', file: 'bench', entry: { type: 'stdio', command: process.execPath, args: [ECHO], env: {} } }];
const guards = await createHubGuards({ projectRoot: home, servers, env: process.env, log: (l) => process.stderr.write(`${l}\n`) });
const plain = createHub({ servers, ping: { intervalMs: 0 }, logLevel: 'warn' });
const guarded = createHub({ servers, ping: { intervalMs: 0 }, logLevel: 'warn', guards: guards.guards });
await Promise.all([plain.start(), guarded.start()]);
const context = { sessionId: 's', client: 'default', clientCapabilities: {}, signal: new AbortController().signal, protocolVersion: '2025-11-25', notify() {}, request: () => Promise.reject(new Error('no')) };
const params = { name: 'echo__echo', arguments: { text: 'hello' } };

async function round(hub) {
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) await hub.request('tools/call', params, context);
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  // active: time the event loop spent running code (the hub's own thread, not the audit writer's)
  return { cpu: (cpu.user + cpu.system) / CALLS, loop: (elu.active * 1000) / CALLS, wall: ((performance.now() - t0) * 1000) / CALLS };
}
await round(plain);
await round(guarded);
const samples = { plain: [], guarded: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, hub] of r % 2 ? [['guarded', guarded], ['plain', plain]] : [['plain', plain], ['guarded', guarded]]) samples[name].push(await round(hub));
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const row = (name) => ({ cpu: median(samples[name].map((s) => s.cpu)), loop: median(samples[name].map((s) => s.loop)), wall: median(samples[name].map((s) => s.wall)) });
const p = row('plain');
const g = row('guarded');
const line = (label, r) => `| ${label} | ${r.loop.toFixed(1)} | ${r.cpu.toFixed(1)} | ${r.wall.toFixed(1)} |`;
process.stdout.write([
  '| hub | event loop busy µs/call | CPU µs/call (all threads) | wall µs/call |',
  '|---|---:|---:|---:|',
  line('no guards', p),
  line(`${guards.guards.map((x) => x.name).join(' + ')}, 100 rules`, g),
  '',
  `added per call: ${(g.loop - p.loop).toFixed(1)} µs on the event loop, ${(g.cpu - p.cpu).toFixed(1)} µs CPU in all threads, ${(g.wall - p.wall).toFixed(1)} µs wall (medians of ${ROUNDS} alternating rounds of ${CALLS} calls)`,
  '',
].join('\n'));
await Promise.all([plain.stop(), guarded.stop()]);
await guards.close();
rmSync(home, { recursive: true, force: true });
