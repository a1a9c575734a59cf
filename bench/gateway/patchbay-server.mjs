#!/usr/bin/env node
/**
 * Patchbay's gateway as `patchbay up` runs it (real hub, real gateway from dist/), with one stdio
 * server behind it and auth off so every contender gets the same requests. Usage:
 * patchbay-server.mjs PORT CMD ARGS…  (build first: npx tsc -p tsconfig.build.json)
 */
import { createGateway } from '../../dist/gateway/index.js';
import { createHub } from '../../dist/hub/index.js';

const [port, command, ...args] = process.argv.slice(2);
const hub = createHub({
  servers: [{ name: 'echo', scope: 'user', file: 'bench', entry: { type: 'stdio', command, args, env: {} } }],
  ping: { intervalMs: 0 },
  logLevel: 'warn',
});
await hub.start();
const gateway = createGateway({ hub });
const http = await gateway.serveHttp({ host: '127.0.0.1', port: Number(port), token: undefined });
process.stdout.write(`listening ${http.port}\n`);
process.on('SIGTERM', async () => {
  await gateway.close();
  await hub.stop();
  process.exit(0);
});
