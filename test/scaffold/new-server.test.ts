/**
 * `patchbay new server` end to end, as a user would: generate into a temp dir (registering it
 * with --add in Patchbay's scope), `npm install` there from the npm registry, run its own tests,
 * run the official conformance suite against its fixture mode on Node 22, validate server.json
 * against the registry's schema and manifest.json with @anthropic-ai/mcpb, and call its tool
 * through the real hub and gateway with an SDK v2 client. The slowest test file: about a minute,
 * most of it npm install (its cache is kept in node_modules/.cache so reruns stay offline).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRegistry, resolveServers } from '../../src/config/registry.js';
import { scopeFile } from '../../src/config/scopes.js';
import { conformanceAvailable, NODE22 } from '../conformance/helpers.js';
import { startGateway, type Running } from '../gateway/helpers/harness.js';
import { runCli } from '../helpers/cli.js';

const require = createRequire(import.meta.url);
// The package's bin (its exports map hides the path from require.resolve).
const MCPB_CLI = join(dirname(require.resolve('@anthropic-ai/mcpb')), 'cli', 'cli.js');
const NPM_CACHE = fileURLToPath(new URL('../../node_modules/.cache/patchbay-scaffold-npm', import.meta.url));
const REGISTRY_SCHEMA = fileURLToPath(new URL('../fixtures/registry/server.schema.json', import.meta.url));

function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, npm_config_cache: NPM_CACHE, npm_config_update_notifier: 'false', NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('patchbay new server', () => {
  const work = mkdtempSync(join(tmpdir(), 'patchbay-new-'));
  const project = join(work, 'temps');
  let created: { code: number | null; stdout: string; stderr: string };
  let running: Running | undefined;

  beforeAll(async () => {
    mkdirSync(NPM_CACHE, { recursive: true });
    created = await runCli(['new', 'server', 'temps', '--add', '-s', 'patchbay'], { cwd: work });
  });
  afterAll(async () => {
    await running?.close();
  });

  it('writes the project and registers it in the scope asked for', async () => {
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(`Created ${project}`);
    expect(created.stdout).toContain('Added stdio MCP server temps with command: node');
    const file = JSON.parse(readFileSync(scopeFile('patchbay', work), 'utf8')) as { mcpServers: Record<string, { command: string; args: string[] }> };
    expect(file.mcpServers.temps).toEqual({ type: 'stdio', command: 'node', args: [join(project, 'dist/src/stdio.js')], env: {} });
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies['@modelcontextprotocol/server']).toBe((JSON.parse(readFileSync(fileURLToPath(new URL('../../node_modules/@modelcontextprotocol/server/package.json', import.meta.url)), 'utf8')) as { version: string }).version);
  });

  it('refuses a folder that is not empty and a name npm would not take', async () => {
    const again = await runCli(['new', 'server', 'temps'], { cwd: work });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${project} exists and is not empty; nothing was written`);
    const bad = await runCli(['new', 'server', 'Bad_Name'], { cwd: work });
    expect(bad.stderr).toContain('"Bad_Name" cannot name a server project');
  });

  it('generates a server.json the registry schema accepts and a manifest.json mcpb accepts, both from package.json', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(readFileSync(REGISTRY_SCHEMA, 'utf8')) as object);
    const serverJson = JSON.parse(readFileSync(join(project, 'server.json'), 'utf8')) as { name: string; version: string };
    expect(validate(serverJson), JSON.stringify(validate.errors)).toBe(true);
    expect(serverJson).toMatchObject({ name: 'io.github.your-github-user/temps', version: '0.1.0' });
    const checked = await run(process.execPath, [MCPB_CLI, 'validate', join(project, 'manifest.json')], project, 60_000);
    expect(checked.code, checked.output).toBe(0);
    // Both follow package.json: bump the version there and regenerate.
    const pkgFile = join(project, 'package.json');
    writeFileSync(pkgFile, readFileSync(pkgFile, 'utf8').replace('"version": "0.1.0"', '"version": "0.2.0"'));
    expect((await run(process.execPath, ['scripts/manifests.mjs'], project, 30_000)).code).toBe(0);
    expect(JSON.parse(readFileSync(join(project, 'manifest.json'), 'utf8'))).toMatchObject({ version: '0.2.0' });
    expect(JSON.parse(readFileSync(join(project, 'server.json'), 'utf8'))).toMatchObject({ version: '0.2.0', packages: [{ version: '0.2.0' }, { version: '0.2.0' }] });
  });

  it('installs, passes its own tests, and passes the conformance suite in fixture mode', { timeout: 600_000 }, async () => {
    const install = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], project, 420_000);
    expect(install.code, install.output.slice(-3000)).toBe(0);
    const tests = await run('npm', ['test'], project, 180_000);
    expect(tests.code, tests.output.slice(-3000)).toBe(0);
    expect(tests.output).toMatch(/# pass 5\b/);
    expect(tests.output).toMatch(/# fail 0\b/);
    if (!conformanceAvailable) return;
    const conformance = await run(NODE22, ['scripts/conformance.mjs'], project, 240_000);
    const scenarios = [...conformance.output.matchAll(/^[✓✗] (\S+): (\d+) passed, (\d+) failed/gmu)];
    expect(scenarios.filter((m) => m[3] !== '0').map((m) => m[1]), conformance.output.slice(-3000)).toEqual([]);
    expect(scenarios.length).toBeGreaterThanOrEqual(30);
    expect(conformance.code).toBe(0);
  });

  it('--transport http makes HTTP the advertised entry, and --add registers its URL', async () => {
    const other = mkdtempSync(join(tmpdir(), 'patchbay-new-http-'));
    const made = await runCli(['new', 'server', 'remote-temps', '--transport', 'http', '--add', '-s', 'user'], { cwd: other });
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toContain('Added HTTP MCP server remote-temps with URL: http://127.0.0.1:3000/mcp to user config');
    const dir = join(other, 'remote-temps');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.bin['remote-temps']).toBe('dist/src/http.js');
    expect(pkg.scripts.start).toBe('node dist/src/http.js');
    const serverJson = JSON.parse(readFileSync(join(dir, 'server.json'), 'utf8')) as { packages: Array<{ transport: { type: string; url?: string } }> };
    expect(serverJson.packages.map((p) => p.transport)).toEqual([{ type: 'streamable-http', url: 'http://127.0.0.1:3000/mcp' }]);
    const stdioOnly = await runCli(['new', 'server', 'local-temps', '--transport', 'stdio'], { cwd: other });
    expect(stdioOnly.code, stdioOnly.stderr).toBe(0);
    expect((JSON.parse(readFileSync(join(other, 'local-temps', 'server.json'), 'utf8')) as { packages: unknown[] }).packages).toEqual([
      { registryType: 'npm', identifier: 'local-temps', version: '0.1.0', transport: { type: 'stdio' } },
    ]);
  });

  it('is called through the gateway once added', { timeout: 60_000 }, async () => {
    const registry = await loadRegistry({ cwd: work });
    const servers = resolveServers(registry).filter((s) => s.name === 'temps');
    expect(servers).toHaveLength(1);
    running = await startGateway(servers, { token: 'pb_new' });
    const client = new Client({ name: 'scaffold-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(running.url), { requestInit: { headers: { Authorization: 'Bearer pb_new' } } }));
    const result = await client.callTool({ name: 'temps__convert_temperature', arguments: { value: 100, from: 'C', to: 'F' } });
    expect(result.structuredContent).toEqual({ value: 212, unit: 'F' });
    const impossible = await client.callTool({ name: 'temps__convert_temperature', arguments: { value: -1, from: 'K', to: 'C' } });
    expect(impossible.isError).toBe(true);
    await client.close();
  });
});
