// Patchbay's proxy in its own process, built from dist/ (run `npx tsc -p tsconfig.build.json` first).
import { parseProxySettings } from '../../dist/proxy/config/validate.js';
import { startProxy } from '../../dist/proxy/server/listen.js';

const settings = parseProxySettings({
  providers: [{ name: 'bench', kind: 'openai', baseUrl: process.env.BENCH_UPSTREAM, apiKeyEnv: 'BENCH_UPSTREAM_KEY' }],
  router: { default: 'bench,gpt-bench' },
}, 'bench', { BENCH_UPSTREAM_KEY: 'sk-bench' });
const proxy = await startProxy({ settings, token: process.env.BENCH_TOKEN, port: 0, host: '127.0.0.1', usage: false, log: () => {} });
process.send({ port: proxy.port });
process.on('SIGINT', () => process.exit(0));
