import { startGateway } from '/work/wt/eras/test/gateway/helpers/harness.js';
import { startConformanceHttp } from '/work/wt/eras/test/fixtures/conformance/http-server.mjs';
const up = await startConformanceHttp({ bendRules: process.argv.includes('--bend') });
const running = await startGateway([{ name: 'conformance', scope: 'user', file: '/dev/null', entry: { type: 'http', url: up.url, patchbay: { prefix: '' } } as never }], { hub: { logDir: '/tmp/pblogs' } });
console.log(JSON.stringify({ url: running.url, upstream: up.url, status: running.hub.status() }));
process.on('SIGTERM', async () => { await running.close(); await up.close(); process.exit(0); });
