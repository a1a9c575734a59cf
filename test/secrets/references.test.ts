/**
 * `${secret:NAME}` and `${cmd:…}` references: a real server gets its stored value in env, in a
 * header and in args when the hub starts it; a missing secret is named with its server and file;
 * a project-scope file may not run a command, nor use a secret before it is approved; `mcp get`
 * shows the reference, never the value; a provider key resolves from the store.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScopedServer, ServerEntry } from '../../src/config/types.js';
import { createFileSecretStore } from '../../src/secrets/store/file-store.js';
import { resolveEntryReferences } from '../../src/secrets/references.js';
import { resolveKeyReference } from '../../src/proxy/keys/reference.js';
import { createSandbox } from '../cli-mcp/sandbox.js';
import { runCli } from '../helpers/cli.js';
import { fakeClient, testHub, textOf, waitFor } from '../hub/helpers.js';

const SERVER = fileURLToPath(new URL('../fixtures/secrets/secret-server.mjs', import.meta.url));
const API_TOKEN = 'tok-7Hq2Lw9Zp4Xv8Rn3Ks6Bd1';
const HTTP_TOKEN = 'tok-Vb5Nm2Qw8Er4Ty7Ui1Op3';

function store() {
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-secrets-'));
  return createFileSecretStore({ file: join(dir, 'secrets.json'), keyFile: join(dir, 'secrets.key'), env: {} });
}

function user(name: string, entry: ServerEntry): ScopedServer {
  return { name, scope: 'user', file: join(process.env.HOME!, '.claude.json'), entry };
}

let hub: ReturnType<typeof testHub> | undefined;
let closeHttp: (() => Promise<unknown>) | undefined;
afterEach(async () => {
  await hub?.stop();
  await closeHttp?.();
  hub = undefined;
  closeHttp = undefined;
});

describe('${secret:NAME} in a running hub', () => {
  it('reaches a stdio server in env and args, and an HTTP server in a header; never the logs', async () => {
    const secrets = store();
    await secrets.set('API_TOKEN', API_TOKEN);
    await secrets.set('HTTP_TOKEN', HTTP_TOKEN);
    const { startSecretHttpServer } = (await import(SERVER)) as { startSecretHttpServer: () => Promise<{ url: string; close: () => Promise<unknown> }> };
    const http = await startSecretHttpServer();
    closeHttp = http.close;
    const logDir = mkdtempSync(join(tmpdir(), 'patchbay-logs-'));
    hub = testHub(
      [
        user('local', { command: process.execPath, args: [SERVER, '--token=${secret:API_TOKEN}'], env: { API_TOKEN: '${secret:API_TOKEN}', PLAIN: 'x-${secret:API_TOKEN}' } }),
        user('remote', { type: 'http', url: http.url, headers: { Authorization: 'Bearer ${secret:HTTP_TOKEN}' } }),
      ],
      { secrets, logDir, logLevel: 'debug' },
    );
    await hub.start();
    const call = (name: string, args: Record<string, unknown> = {}) => hub!.request('tools/call', { name, arguments: args }, fakeClient('s'));
    expect(textOf(await call('local__env', { name: 'API_TOKEN' }))).toBe(API_TOKEN);
    expect(textOf(await call('local__env', { name: 'PLAIN' }))).toBe(`x-${API_TOKEN}`);
    expect(textOf(await call('remote__headers'))).toBe(`Bearer ${HTTP_TOKEN}`);
    await hub.logs.flush();
    for (const file of readdirSync(logDir)) {
      const text = readFileSync(join(logDir, file), 'utf8');
      expect(text, file).not.toContain(API_TOKEN);
      expect(text, file).not.toContain(HTTP_TOKEN);
    }
    expect(readFileSync(join(logDir, 'mcp-server-local.log'), 'utf8')).toContain('--token=***');
  });

  it('names a missing secret, its server and its file, and does not start the server', async () => {
    hub = testHub([user('needy', { command: process.execPath, args: [SERVER], env: { KEY: '${secret:NOT_STORED}' } })], { secrets: store() });
    await hub.start();
    const status = await waitFor(() => hub!.status().find((s) => s.state === 'failed'));
    expect(status.reason).toContain('${secret:NOT_STORED} in server "needy"');
    expect(status.reason).toContain('.claude.json');
    expect(status.reason).toContain('there is no secret "NOT_STORED"');
  });
});

describe('references in a project-scope file', () => {
  const project = (entry: ServerEntry, approval: ScopedServer['approval']): ScopedServer => ({ name: 'shared', scope: 'project', file: '/repo/.mcp.json', entry, approval });

  it('resolves a secret only once the server is approved', async () => {
    const secrets = store();
    await secrets.set('TEAM_KEY', 'team-value-1234');
    const entry: ServerEntry = { command: 'node', env: { KEY: '${secret:TEAM_KEY}' } };
    await expect(resolveEntryReferences(project(entry, 'pending'), { store: secrets, env: {}, cwd: '/' })).rejects.toMatchObject({ code: 'REFERENCE_REFUSED' });
    const approved = await resolveEntryReferences(project(entry, 'approved'), { store: secrets, env: {}, cwd: '/' });
    expect(approved.values.get('${secret:TEAM_KEY}')).toBe('team-value-1234');
  });

  it('refuses ${cmd:…} through the real CLI even when approved, and runs nothing; the same in user scope runs', async () => {
    const sandbox = createSandbox();
    mkdirSync(join(sandbox.project, '.git'));
    const marker = join(sandbox.home, 'pwned');
    sandbox.write(sandbox.mcpJson, { mcpServers: { shared: { command: process.execPath, args: [SERVER], env: { KEY: `\${cmd:touch ${marker}}` } } } });
    sandbox.write(sandbox.settingsLocal, { enabledMcpjsonServers: ['shared'] });
    sandbox.write(sandbox.claudeJson, {
      mcpServers: { mine: { command: process.execPath, args: [SERVER], env: { KEY: '${cmd:printf from-a-command}', REQUIRE_ENV: 'KEY=from-a-command' } } },
    });
    const result = await sandbox.run(['list', '--json']);
    const items = JSON.parse(result.stdout) as { name: string; status: string; kind?: string; reason?: string }[];
    const shared = items.find((i) => i.name === 'shared')!;
    expect(shared).toMatchObject({ status: 'failed' });
    expect(shared.reason).toContain('a project-scope file must not run commands');
    expect(existsSync(marker)).toBe(false);
    expect(items.find((i) => i.name === 'mine')).toMatchObject({ status: 'connected' });
  });
});

describe('what the CLI shows', () => {
  it('mcp get shows the reference; mcp list starts the server with the stored value', async () => {
    const sandbox = createSandbox();
    const cli = (args: string[], input?: string) => runCli(args, { cwd: sandbox.project, env: sandbox.env, input, timeoutMs: 60_000 });
    expect((await cli(['secrets', 'set', 'API_TOKEN'], API_TOKEN)).code).toBe(0);
    sandbox.write(sandbox.claudeJson, {
      mcpServers: { wired: { command: process.execPath, args: [SERVER], env: { API_TOKEN: '${secret:API_TOKEN}', REQUIRE_ENV: `API_TOKEN=${API_TOKEN}` } } },
    });
    const get = await sandbox.run(['get', 'wired']);
    expect(get.stdout).toContain('API_TOKEN=${secret:API_TOKEN}');
    expect(get.stdout).toContain('✔ Connected');
    const list = await cli(['secrets', 'list']);
    expect(list.stdout).toContain('used by server wired (user)');
    // REQUIRE_ENV holds the value in this fixture entry on purpose; everything else must not.
    expect(get.stdout.replace(`REQUIRE_ENV=API_TOKEN=${API_TOKEN}`, '')).not.toContain(API_TOKEN);
  });
});

describe('provider keys', () => {
  it('"${secret:NAME}" is fetched from the store when a request needs it', async () => {
    const { openSecretStore } = await import('../../src/secrets/store/open-store.js');
    await (await openSecretStore()).set('OPENAI_API_KEY', 'sk-from-the-store-0001');
    const context = { provider: 'openai', configFile: '/x/config.json', configDir: '/x', field: 'proxy.providers[0].apiKey', env: process.env, ttlMs: 60_000, timeoutMs: 5_000 };
    const reference = resolveKeyReference('${secret:OPENAI_API_KEY}', context);
    expect(reference?.kind).toBe('fetched');
    if (reference?.kind !== 'fetched') return;
    expect(await reference.source.get()).toBe('sk-from-the-store-0001');
    const missing = resolveKeyReference('${secret:NOT_THERE}', context);
    if (missing?.kind !== 'fetched') throw new Error('expected a fetched reference');
    await expect(missing.source.get()).rejects.toThrow('there is no secret "NOT_THERE" in the secret store');
  });
});
