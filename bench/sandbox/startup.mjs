#!/usr/bin/env node
/**
 * What the sandbox costs at start: the same stdio server started the way the hub starts it
 * (connectUpstream: spawn, initialize answered, then tools/list), unconfined, sandboxed with
 * network "none" (bubblewrap alone), and sandboxed with an allow list (bubblewrap + the egress
 * proxy + the relay inside). The modes are interleaved, start by start, so a load spike on this
 * shared machine hits all three alike; medians and p90 over --starts starts each.
 * Usage: node bench/sandbox/startup.mjs [--starts 20] [--server probe|everything|both]
 *        (build dist/ first: npx tsc -p tsconfig.build.json; Linux with bubblewrap)
 */
import { appendFileSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { loadavg, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectUpstream } from '../../dist/hub/upstream/connection.js';

const flag = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
};
const starts = Math.max(1, Number(flag('--starts', '20')) || 20);
const which = flag('--server', 'both');

const servers = {
  probe: { label: 'SDK v2 fixture (test/fixtures/sandbox/probe-server.mjs)', args: [fileURLToPath(new URL('../../test/fixtures/sandbox/probe-server.mjs', import.meta.url))] },
  everything: { label: '@modelcontextprotocol/server-everything', args: [fileURLToPath(new URL('../../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url)), 'stdio'] },
};
const modes = {
  unconfined: undefined,
  'sandbox, network none': true,
  'sandbox, allow list': { network: { allow: ['api.github.com', '127.0.0.1:9'] } },
};

// Outside /tmp (the sandbox's /tmp is private) and with a log file written per line, as the hub does.
const project = realpathSync(mkdtempSync(join('/var/tmp', 'patchbay-bench-sandbox-')));
const logFile = join(project, 'server.log');
const log = (level, message) => appendFileSync(logFile, `${new Date().toISOString()} ${level} ${message}\n`);

async function once(server, sandbox) {
  const entry = { command: process.execPath, args: server.args, ...(sandbox === undefined ? {} : { patchbay: { sandbox } }) };
  const t0 = performance.now();
  const connection = await connectUpstream('bench', entry, { timeoutMs: 30_000, cwd: project, env: process.env, log, closeGraceMs: 500 });
  const initialized = performance.now() - t0;
  await connection.request('tools/list', {});
  const listed = performance.now() - t0;
  await connection.close();
  return { initialized, listed };
}

const stat = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { p50: at(0.5), p90: at(0.9) };
};

console.log(`Sandbox start-up, ${starts} starts per mode, interleaved. Node ${process.version}, ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const [name, server] of Object.entries(servers)) {
  if (which !== 'both' && which !== name) continue;
  const results = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
  for (const mode of Object.keys(modes)) await once(server, modes[mode]); // warm the file cache
  for (let i = 0; i < starts; i++) {
    const order = Object.keys(modes);
    for (let k = 0; k < i % order.length; k++) order.push(order.shift());
    for (const mode of order) results[mode].push(await once(server, modes[mode]));
  }
  const base = stat(results.unconfined.map((r) => r.listed)).p50;
  console.log(`\n${server.label}`);
  console.log(`${'mode'.padEnd(24)} ${'initialize p50'.padStart(15)} ${'tools/list p50'.padStart(15)} ${'p90'.padStart(9)} ${'vs unconfined'.padStart(14)}`);
  for (const mode of Object.keys(modes)) {
    const init = stat(results[mode].map((r) => r.initialized));
    const listed = stat(results[mode].map((r) => r.listed));
    const extra = listed.p50 - base;
    console.log(`${mode.padEnd(24)} ${`${init.p50.toFixed(1)} ms`.padStart(15)} ${`${listed.p50.toFixed(1)} ms`.padStart(15)} ${`${listed.p90.toFixed(1)} ms`.padStart(9)} ${(mode === 'unconfined' ? '—' : `${(listed.p50 / base).toFixed(2)}× (+${extra.toFixed(0)} ms)`).padStart(14)}`);
  }
}
rmSync(project, { recursive: true, force: true });
console.log(`\nload after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
