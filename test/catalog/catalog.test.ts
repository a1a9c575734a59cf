/**
 * The catalog: the registry's own example files (valid and invalid), both schema shapes, a
 * loopback fake registry serving /v0/servers, `add` of server-everything that then really runs
 * (npx resolves the devDependency offline), a remote entry with a secret header, a required
 * input, argument injection kept literal, and nothing written without confirmation.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeServerJson, validateServerJson } from '../../src/catalog/server-json.js';
import { renderPlan } from '../../src/catalog/render.js';
import { openSecretStore } from '../../src/secrets/store/open-store.js';
import { runCli } from '../helpers/cli.js';

const EXAMPLES = fileURLToPath(new URL('../fixtures/catalog/examples/', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const read = (dir: string, file: string) => normalizeServerJson(JSON.parse(readFileSync(join(EXAMPLES, dir, file), 'utf8')));
const hostFile = () => readFileSync(join(process.env.HOME!, '.claude.json'), 'utf8');
const env = { npm_config_offline: 'true' };

describe('server.json', () => {
  it.each([...readdirSync(join(EXAMPLES, 'valid')).map((f) => ['valid', f]), ...readdirSync(join(EXAMPLES, 'generic-server-json-md')).map((f) => ['generic-server-json-md', f])])('%s/%s is valid', (dir, file) => {
    expect(validateServerJson(read(dir!, file!))).toEqual([]);
  });
  it.each(readdirSync(join(EXAMPLES, 'invalid')))('invalid/%s is refused for its reason', (file) => {
    const problems = validateServerJson(read('invalid', file)).join('\n');
    const reason = { 'bad-name-pattern.json': '/name', 'description-too-long.json': '/description', 'missing-name.json': "'name'", 'package-version-latest.json': '/packages/0/version', 'positional-argument-missing-value.json': 'packageArguments/0' }[file];
    expect(problems).toContain(reason);
  });
  it('reads the older snake_case shape like the camelCase one', () => {
    const old = normalizeServerJson({
      name: 'io.github.example/old',
      description: 'old shape',
      version_detail: { version: '1.2.3' },
      packages: [{ registry_name: 'pypi', name: 'old-server', version: '1.2.3', environment_variables: [{ name: 'OLD_KEY', is_required: true, is_secret: true }] }],
      remotes: [{ transport_type: 'sse', url: 'https://old.example/sse' }],
    });
    expect(old.version).toBe('1.2.3');
    const plan = renderPlan(old, { package: 0 }, 'old', { OLD_KEY: 'k-123' });
    expect(plan.entry).toEqual({ type: 'stdio', command: 'uvx', args: ['old-server==1.2.3'], env: { OLD_KEY: '${secret:old.OLD_KEY}' } });
    expect(plan.secrets).toEqual({ 'old.OLD_KEY': 'k-123' });
    expect(renderPlan(old, { remote: 0 }, 'old', {}).entry).toEqual({ type: 'sse', url: 'https://old.example/sse' });
  });
  it('renders OCI with each variable as -e NAME and keeps injection in one literal argument', () => {
    const entry = normalizeServerJson({
      name: 'io.github.example/inject',
      description: 'x',
      version: '1.0.0',
      packages: [
        {
          registryType: 'oci',
          identifier: 'docker.io/example/inject:1.0.0',
          transport: { type: 'stdio' },
          environmentVariables: [{ name: 'API_KEY', isRequired: true, isSecret: true }, { name: 'MODE', default: 'fast' }],
          packageArguments: [{ type: 'positional', value: '; rm -rf ~' }, { type: 'named', name: '--dir', value: '$(touch /tmp/pwned) `id`' }],
        },
      ],
    });
    const plan = renderPlan(entry, { package: 0 }, 'inject', { API_KEY: 'secret-1' });
    expect(plan.entry).toEqual({
      type: 'stdio',
      command: 'docker',
      args: ['run', '-i', '--rm', '-e', 'API_KEY', '-e', 'MODE', 'docker.io/example/inject:1.0.0', '; rm -rf ~', '--dir', '$(touch /tmp/pwned) `id`'],
      env: { API_KEY: '${secret:inject.API_KEY}', MODE: 'fast' },
    });
  });
});

describe('patchbay catalog', () => {
  let registry: Server;
  let registryUrl = '';
  beforeAll(async () => {
    const everything = JSON.parse(readFileSync(join(REPO, 'catalog/servers.json'), 'utf8')).find((s: { name: string }) => s.name.endsWith('/server-everything'));
    const pages = [
      { servers: [{ server: { ...everything, version: '2099.1.1', packages: [{ ...everything.packages[0], version: '2099.1.1' }] }, _meta: {} }], metadata: { nextCursor: 'p2' } },
      { servers: [{ server: { name: 'io.github.example/snake', description: 'A snake_case entry', version_detail: { version: '0.1.0' }, packages: [{ registry_name: 'npm', name: 'snake-mcp', version: '0.1.0' }] } }, { server: { name: 'bad name', description: 'invalid' } }], metadata: {} },
    ];
    registry = createServer((req, res) => {
      const url = new URL(req.url!, 'http://127.0.0.1');
      if (url.pathname !== '/v0/servers') return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(url.searchParams.get('cursor') === 'p2' ? pages[1] : pages[0]));
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    registryUrl = `http://127.0.0.1:${(registry.address() as { port: number }).port}`;
  });
  afterAll(() => registry.close());

  it('a remote entry with a secret header: the secret goes to the store, the host file gets a reference', async () => {
    const failed = await runCli(['catalog', 'update', '--registry', 'http://127.0.0.1:9'], { env });
    expect(failed.stderr).toContain('the catalog was not changed');
    const add = await runCli(['catalog', 'add', 'io.github.github/github-mcp-server', '--remote', '1', '-s', 'user', '--name', 'gh', '--set', 'github_token=ghp_catalogtest123', '--yes'], { env });
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).not.toContain('ghp_catalogtest123');
    expect(hostFile()).not.toContain('ghp_catalogtest123');
    expect(hostFile()).toContain('${secret:gh.Authorization}');
    expect(await (await openSecretStore()).get('gh.Authorization')).toBe('Bearer ghp_catalogtest123');
  });

  it('a required input without --set and without a terminal: a clear error, nothing written', async () => {
    const add = await runCli(['catalog', 'add', 'io.github.brave/brave-search-mcp-server', '-s', 'user', '--name', 'brave', '--yes'], { env });
    expect(add.code).toBe(1);
    expect(add.stderr).toMatch(/the input BRAVE_API_KEY is required[\s\S]*--set BRAVE_API_KEY=VALUE/);
    expect(hostFile()).not.toContain('"brave"');
  });
  // Last: it replaces the catalog with the fake registry's two entries.
  it('adds server-everything, which then really runs, and outdated sees the registry\'s newer version', { timeout: 120_000 }, async () => {
    const search = await runCli(['catalog', 'search', 'everything'], { env });
    expect(search.stdout).toContain('io.github.modelcontextprotocol/server-everything@2026.8.31');
    const refused = await runCli(['catalog', 'add', 'server-everything', '-s', 'user'], { env, cwd: REPO });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('nothing was written');
    const add = await runCli(['catalog', 'add', 'server-everything@2026.8.31', '-s', 'user', '--yes'], { env, cwd: REPO });
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain('["npx","-y","@modelcontextprotocol/server-everything@2026.8.31","stdio"]');
    const list = await runCli(['mcp', 'list'], { env, cwd: REPO, timeoutMs: 90_000 });
    expect(list.stdout).toMatch(/server-everything: npx -y @modelcontextprotocol\/server-everything@2026\.8\.31 stdio - ✔ Connected/);
    const update = await runCli(['catalog', 'update', '--registry', registryUrl], { env });
    expect(update.stdout, update.stderr).toContain('2 servers');
    const outdated = await runCli(['catalog', 'outdated'], { env });
    expect(outdated.stdout).toContain('server-everything: io.github.modelcontextprotocol/server-everything 2026.8.31 → 2099.1.1');
    const snake = await runCli(['catalog', 'show', 'snake'], { env });
    expect(snake.stdout).toContain('npm snake-mcp 0.1.0');
  });

});
