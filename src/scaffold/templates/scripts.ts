/** Scripts of the generated project: the conformance run and server.json / manifest.json. */
export const CONFORMANCE_MJS = `#!/usr/bin/env node
/**
 * Runs the official MCP conformance suite's server scenarios against this server in fixture
 * mode (\`dist/src/http.js --fixture\` on a free port). The suite needs Node 22 or later; on an
 * older Node this says how to get it. Build first (\`npm run build\`). Extra arguments go to the
 * suite (e.g. \`-- --scenario tools-call-simple-text\`).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(\`The conformance suite needs Node 22 or later; this is Node \${process.versions.node}.\`);
  console.error('Run it with Node 22 without installing it globally:  npx -y node@22 scripts/conformance.mjs');
  console.error('(or switch with nvm/fnm/volta:  nvm install 22 && nvm exec 22 npm run conformance)');
  process.exit(2);
}

const require = createRequire(import.meta.url);
const suite = require.resolve('@modelcontextprotocol/conformance/dist/index.js');
const server = spawn(process.execPath, [fileURLToPath(new URL('../dist/src/http.js', import.meta.url)), '--fixture', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  server.stdout.setEncoding('utf8').on('data', (d) => {
    const m = /listening on (\\S+)/.exec(d);
    if (m) resolve(m[1]);
  });
  server.on('exit', (code) => reject(new Error(\`the fixture server exited with \${code}; did you run npm run build?\`)));
});
const run = spawn(process.execPath, [suite, 'server', '--url', url, ...process.argv.slice(2)], { stdio: 'inherit' });
const code = await new Promise((resolve) => run.on('close', resolve));
server.kill();
process.exit(code ?? 1);
`;

export const MANIFESTS_MJS = `#!/usr/bin/env node
/**
 * Writes server.json (the MCP Registry's format, schema 2025-12-11) and manifest.json (an MCPB
 * bundle manifest, 0.3) from package.json, so the name, version and description live in one
 * place. Runs before every build; edit package.json (and its "mcpName"), not the outputs.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const transport = pkg.patchbay?.transport ?? 'both';
const port = pkg.patchbay?.httpPort ?? 3000;
const packages = [{ registryType: 'npm', identifier: pkg.name, version: pkg.version, transport: { type: 'stdio' } }];
if (transport === 'http') packages[0].transport = { type: 'streamable-http', url: \`http://127.0.0.1:\${port}/mcp\` };
if (transport === 'both') packages.push({ registryType: 'npm', identifier: pkg.name, version: pkg.version, transport: { type: 'streamable-http', url: \`http://127.0.0.1:\${port}/mcp\` }, packageArguments: [{ type: 'named', name: '--port', value: String(port) }] });

const serverJson = {
  $schema: 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json',
  name: pkg.mcpName,
  description: pkg.description.slice(0, 100),
  version: pkg.version,
  ...(pkg.repository?.url ? { repository: { url: pkg.repository.url, source: 'github' } } : {}),
  packages,
};

const manifest = {
  manifest_version: '0.3',
  name: pkg.name,
  display_name: pkg.displayName ?? pkg.name,
  version: pkg.version,
  description: pkg.description,
  author: { name: pkg.author?.name ?? pkg.author ?? 'unknown' },
  license: pkg.license,
  server: {
    type: 'node',
    entry_point: 'dist/src/stdio.js',
    mcp_config: { command: 'node', args: ['\${__dirname}/dist/src/stdio.js'] },
  },
  tools: [{ name: 'convert_temperature', description: 'Converts a temperature between Celsius, Fahrenheit and Kelvin.' }],
  keywords: pkg.keywords ?? [],
  compatibility: { runtimes: { node: pkg.engines?.node ?? '>=20' } },
};

writeFileSync(new URL('../server.json', import.meta.url), JSON.stringify(serverJson, null, 2) + '\\n');
writeFileSync(new URL('../manifest.json', import.meta.url), JSON.stringify(manifest, null, 2) + '\\n');
`;
