/**
 * MCP Bundles built in the test with @anthropic-ai/mcpb's own packer: a node server with a
 * sensitive user_config value, a plain one, `${__dirname}` and a platform override, installed
 * and then really run by `patchbay mcp list` (the server exits unless every value arrived);
 * zip-slip, symlink and wrong-sha bundles refused with nothing installed; uninstall.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packExtension } from '@anthropic-ai/mcpb';
import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { openSecretStore } from '../../src/secrets/store/open-store.js';
import { runCli } from '../helpers/cli.js';

const require = createRequire(import.meta.url);
const SDK = pathToFileURL(require.resolve('@modelcontextprotocol/server')).href;
const STDIO = pathToFileURL(require.resolve('@modelcontextprotocol/server/stdio')).href;
const ZOD = pathToFileURL(require.resolve('zod')).href;

function manifest(name: string) {
  return {
    manifest_version: '0.3',
    name,
    version: '1.0.0',
    description: 'A test bundle',
    author: { name: 'Patchbay tests' },
    server: {
      type: 'node',
      entry_point: 'server/index.mjs',
      mcp_config: {
        command: 'node',
        args: ['${__dirname}/server/index.mjs', '--mode', '${user_config.mode}'],
        env: { API_KEY: '${user_config.api_key}' },
        platform_overrides: { [process.platform]: { command: 'node', args: ['${__dirname}/server/index.mjs', '--mode', '${user_config.mode}'], env: { API_KEY: '${user_config.api_key}', FROM_PLATFORM: process.platform } } },
      },
    },
    tools: [{ name: 'hello', description: 'Says hello' }],
    user_config: {
      api_key: { type: 'string', title: 'API key', description: 'The key', sensitive: true, required: true },
      mode: { type: 'string', title: 'Mode', description: 'A mode', default: 'fast' },
    },
  };
}

async function buildBundle(name: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-bundle-src-'));
  mkdirSync(join(dir, 'server'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest(name), null, 2));
  writeFileSync(
    join(dir, 'server', 'index.mjs'),
    `import { McpServer } from ${JSON.stringify(SDK)};
import { StdioServerTransport } from ${JSON.stringify(STDIO)};
import * as z from ${JSON.stringify(ZOD)};
// Exits unless every value arrived: the sensitive key (through \${secret:…}), the mode, the platform override.
if (process.env.API_KEY !== 'sk-bundle-secret-42' || process.argv.at(-1) !== 'slow' || process.env.FROM_PLATFORM !== process.platform) {
  console.error('bad config', process.argv.slice(2).join(' '));
  process.exit(3);
}
const server = new McpServer({ name: 'bundle-test', version: '1.0.0' });
server.registerTool('hello', { description: 'Says hello', inputSchema: z.object({}) }, async () => ({ content: [{ type: 'text', text: 'hello' }] }));
server.registerTool('undeclared', { description: 'Not in the manifest', inputSchema: z.object({}) }, async () => ({ content: [{ type: 'text', text: 'x' }] }));
await server.connect(new StdioServerTransport());
`,
  );
  const output = join(dir, `${name}.mcpb`);
  expect(await packExtension({ extensionPath: dir, outputPath: output, silent: true })).toBe(true);
  return output;
}

function evilZip(files: Record<string, Uint8Array | [Uint8Array, { os: number; attrs: number }]>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'patchbay-evil-')), 'evil.mcpb');
  writeFileSync(path, zipSync({ 'manifest.json': strToU8(JSON.stringify(manifest('evil'))), ...files } as never));
  return path;
}

describe('patchbay install', () => {
  it('installs a bundle: sensitive value in the secret store, variables and platform override resolved, the server runs; uninstall removes it', { timeout: 120_000 }, async () => {
    const bundle = await buildBundle('hello-bundle');
    const install = await runCli(['install', bundle, '--set', 'api_key=sk-bundle-secret-42', '--set', 'mode=slow']);
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout + install.stderr).not.toContain('sk-bundle-secret-42');
    const file = /Added hello-bundle to (.+)\.\n/.exec(install.stdout)![1]!;
    const config = readFileSync(file, 'utf8');
    expect(config).not.toContain('sk-bundle-secret-42');
    expect(config).toContain('${secret:hello-bundle.api_key}');
    expect(await (await openSecretStore()).get('hello-bundle.api_key')).toBe('sk-bundle-secret-42');
    const list = await runCli(['mcp', 'list'], { timeoutMs: 60_000 });
    expect(list.stdout, list.stderr).toMatch(/hello-bundle: .*✔ Connected/);
    const doctor = await runCli(['doctor', 'hello-bundle'], { timeoutMs: 60_000 });
    expect(doctor.stdout, doctor.stderr).toContain('bundle tools not declared in its manifest: undeclared');
    const uninstall = await runCli(['uninstall', 'hello-bundle']);
    expect(uninstall.code, uninstall.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toContain('hello-bundle');
    expect(await (await openSecretStore()).get('hello-bundle.api_key')).toBeUndefined();
  });

  it('refuses a wrong sha256, and installs nothing', async () => {
    const bundle = await buildBundle('sha-bundle');
    const run = await runCli(['install', bundle, '--sha256', '0'.repeat(64), '--set', 'api_key=x']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("the bundle's SHA-256 is");
    expect(run.stderr).toContain('nothing was installed');
  });

  it.each([
    ['zip-slip (..)', { '../../escaped.txt': strToU8('x') }, 'climbs out of the folder'],
    ['an absolute path', { '/tmp/patchbay-absolute.txt': strToU8('x') }, 'has an absolute path'],
    ['a symbolic link', { 'server/link': [strToU8('/etc/passwd'), { os: 3, attrs: (0o120777 << 16) >>> 0 }] }, 'is a symbolic link'],
  ] as const)('refuses a bundle with %s and writes nothing', async (_label, files, reason) => {
    const run = await runCli(['install', evilZip(files as never), '--set', 'api_key=x']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(reason);
    expect(run.stderr).toContain('nothing was installed');
    expect(existsSync(join(process.env.XDG_DATA_HOME!, 'patchbay', 'bundles', 'evil'))).toBe(false);
    expect(existsSync(join(process.env.XDG_DATA_HOME!, 'patchbay', 'escaped.txt'))).toBe(false);
  });
});
