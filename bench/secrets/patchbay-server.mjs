#!/usr/bin/env node
/**
 * Patchbay's hub and gateway from dist/ as `patchbay up` builds them, with the blob server
 * behind them: `guarded` uses the guards `up` uses (createHubGuards: the secrets guard, on by
 * default), `bare` none. Usage: patchbay-server.mjs PORT guarded|bare
 */
import { fileURLToPath } from 'node:url';
import { createGateway } from '../../dist/gateway/index.js';
import { createHubGuards } from '../../dist/gateway/guards.js';
import { createHub } from '../../dist/hub/index.js';

const [port, mode] = process.argv.slice(2);
const servers = [{ name: 'blob', scope: 'user', file: 'bench', entry: { type: 'stdio', command: process.execPath, args: [fileURLToPath(new URL('./blob-server.mjs', import.meta.url))], env: {} } }];
const guards = mode === 'guarded' ? await createHubGuards({ projectRoot: process.cwd(), servers, env: process.env, log: () => undefined }) : { guards: [], close: async () => undefined };
const hub = createHub({ servers, ping: { intervalMs: 0 }, guards: guards.guards });
await hub.start();
const gateway = createGateway({ hub });
const http = await gateway.serveHttp({ host: '127.0.0.1', port: Number(port), token: undefined });
process.stdout.write(`listening ${http.port}\n`);
process.on('SIGTERM', async () => {
  await gateway.close();
  await hub.stop();
  await guards.close();
  process.exit(0);
});
