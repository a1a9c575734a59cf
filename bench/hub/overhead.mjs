#!/usr/bin/env node
/**
 * What the hub adds to one tools/call: the same SDK v2 stdio server (test/fixtures/hub/
 * rich-server.mjs) called directly through connectUpstream, then through createHub's request()
 * (namespacing, routing, supervision, timeouts, in-flight tracking). Reports wall p50/p99 and
 * this process's CPU time per call, which stays comparable on a loaded machine.
 * Usage: node bench/hub/overhead.mjs [--calls 5000]   (build dist/ first: npx tsc -p tsconfig.build.json)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHub } from '../../dist/hub/index.js';
import { connectUpstream } from '../../dist/hub/upstream/connection.js';

const calls = Number(process.argv[process.argv.indexOf('--calls') + 1] || 5000) || 5000;
const fixture = fileURLToPath(new URL('../../test/fixtures/hub/rich-server.mjs', import.meta.url));
const entry = { command: process.execPath, args: [fixture], env: { FIXTURE_NAME: 'alpha' } };
const args = { text: 'hello' };

async function measure(label, call) {
  for (let i = 0; i < 300; i++) await call(); // warm up the JIT and both processes
  const lat = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    await call();
    lat.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  lat.sort((a, b) => a - b);
  const at = (p) => lat[Math.floor(p * (lat.length - 1))].toFixed(3);
  const cpuPerCall = ((cpu.user + cpu.system) / calls).toFixed(1);
  console.log(`${label.padEnd(8)} p50 ${at(0.5)} ms  p99 ${at(0.99)} ms  cpu ${cpuPerCall} µs/call (this process)`);
}

const direct = await connectUpstream('alpha', entry, { timeoutMs: 15_000 });
await measure('direct', () => direct.request('tools/call', { name: 'echo', arguments: args }));
await direct.close();

const hub = createHub({
  servers: [{ name: 'alpha', scope: 'user', file: 'bench', entry }],
  logDir: mkdtempSync(join(tmpdir(), 'patchbay-bench-logs-')),
  ping: { intervalMs: 0 },
});
await hub.start();
const context = {
  sessionId: 'bench',
  signal: new AbortController().signal,
  protocolVersion: '2025-11-25',
  notify() {},
  request: async () => ({}),
};
await measure('hub', () => hub.request('tools/call', { name: 'alpha__echo', arguments: args }, context));
await hub.stop();
