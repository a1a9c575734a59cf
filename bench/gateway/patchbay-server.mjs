#!/usr/bin/env node
/**
 * Patchbay's gateway as `patchbay up` runs it (real hub, real gateway from dist/), with one stdio
 * server behind it and auth off so every contender gets the same requests. Usage:
 * patchbay-server.mjs PORT CMD ARGS…  (build first: npx tsc -p tsconfig.build.json)
 *
 * PATCHBAY_BENCH_GUARDS=1: with the guards `patchbay up` assembles (src/gateway/guards.ts: audit
 * log, pinning once it exists, policy, secret scanning once it exists), under a PATCHBAY_HOME of
 * its own whose config.json holds 100 permission rules (bench/gateway/policy-rules.mjs).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPermissions } from './policy-rules.mjs';

const [port, command, ...args] = process.argv.slice(2);
const withGuards = process.env.PATCHBAY_BENCH_GUARDS === '1';
let home;
if (withGuards) {
  home = mkdtempSync(join(tmpdir(), 'patchbay-bench-home-'));
  mkdirSync(join(home, 'config'), { recursive: true });
  writeFileSync(join(home, 'config', 'config.json'), JSON.stringify({ permissions: benchPermissions() }, null, 2));
  process.env.PATCHBAY_HOME = home;
}
const { createGateway } = await import('../../dist/gateway/index.js');
const { createHub } = await import('../../dist/hub/index.js');
const { createHubGuards } = await import('../../dist/gateway/guards.js');

const servers = [{ name: 'echo', scope: 'user', file: 'bench', entry: { type: 'stdio', command, args, env: {} } }];
const guards = withGuards ? await createHubGuards({ projectRoot: process.cwd(), servers, env: process.env, log: (line) => process.stderr.write(`${line}\n`) }) : undefined;
const hub = createHub({ servers, ping: { intervalMs: 0 }, logLevel: 'warn', guards: guards?.guards });
await hub.start();
const gateway = createGateway({ hub });
const http = await gateway.serveHttp({ host: '127.0.0.1', port: Number(port), token: undefined });
process.stdout.write(`listening ${http.port}${guards ? ` guards: ${guards.guards.map((g) => g.name).join(', ')}` : ''}\n`);
process.on('SIGTERM', async () => {
  await gateway.close();
  await hub.stop();
  await guards?.close();
  if (home) rmSync(home, { recursive: true, force: true });
  process.exit(0);
});
