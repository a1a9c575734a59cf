/**
 * Who is calling: client tokens made by the real CLI (`patchbay clients`, `patchbay connect`),
 * stored hashed, mapped to a client name by the gateway's HTTP guard and the model proxy, and
 * `--client NAME` for the stdio gateway a host launches. Each call is attributed: the audit log
 * and `patchbay cost --by client` show the client's name.
 */
import Anthropic from '@anthropic-ai/sdk';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientsPath, createFileClientStore } from '../../src/auth/client-store.js';
import { claudeJsonPath } from '../../src/config/locations.js';
import { openAuditStore } from '../../src/policy/audit/store.js';
import { parseProxySettings } from '../../src/proxy/config/validate.js';
import { startProxy, type RunningProxy } from '../../src/proxy/server/listen.js';
import { openUsageStore } from '../../src/store/usage-store.js';
import { defaultDatabasePath } from '../../src/store/database.js';
import { startOpenAIUpstream } from '../fixtures/upstreams/openai.js';
import type { FakeUpstream } from '../fixtures/upstreams/server.js';
import { PATCHBAY_BIN, runCli } from '../helpers/cli.js';
import { FILES_SERVER, SHARED_TOKEN, startPolicyWorld, writeConfig, type PolicyWorld } from './helpers.js';

async function post(url: string, token: string, body: unknown, session?: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' };
  if (session) headers['mcp-session-id'] = session;
  return fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
}
const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } };

describe('client tokens from the CLI', () => {
  it('`clients add` prints the token once and stores only its hash; `--rotate` replaces it; `list` never shows it', async () => {
    const added = await runCli(['clients', 'add', 'ci-bot']);
    expect(added.code).toBe(0);
    const token = /^\s+(pbc_[A-Za-z0-9_-]{43})$/m.exec(added.stdout)?.[1];
    expect(token).toBeDefined();
    const file = readFileSync(clientsPath(), 'utf8');
    expect(file).not.toContain(token!);
    expect(file).toMatch(/"tokenHash": "[0-9a-f]{64}"/);
    expect(statSync(clientsPath()).mode & 0o777).toBe(0o600);

    const again = await runCli(['clients', 'add', 'ci-bot']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already has a token');
    expect(again.stderr).toContain('--rotate');
    const rotated = await runCli(['clients', 'add', 'ci-bot', '--rotate', '--json']);
    const fresh = (JSON.parse(rotated.stdout) as { token: string; rotated: boolean });
    expect(fresh.rotated).toBe(true);
    const resolver = createFileClientStore().resolver({ recheckMs: 0 });
    expect(resolver.resolve(fresh.token)).toBe('ci-bot');
    expect(resolver.resolve(token!)).toBeUndefined();

    const list = await runCli(['clients', 'list']);
    expect(list.stdout).toMatch(/^default\s+shared token/m);
    expect(list.stdout).toMatch(/^ci-bot\s+token\s/m);
    expect(list.stdout).not.toContain(fresh.token);

    const bad = await runCli(['clients', 'add', 'Not A Name']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('is not a client name');
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack
  });
});

describe('the HTTP gateway names the client of each request', () => {
  let world: PolicyWorld;
  beforeAll(async () => {
    writeConfig({ permissions: { deny: ['mcp__files__write_file(client:intruder)'] } });
    world = await startPolicyWorld(['alpha', 'beta']);
  });
  afterAll(async () => {
    await world?.close();
  });

  it('a client token opens a session of that client; another client cannot use its session id', async () => {
    const opened = await post(world.url, world.tokens.alpha!, initialize);
    expect(opened.status).toBe(200);
    const session = opened.headers.get('mcp-session-id')!;
    const call = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'files__read_file', arguments: { path: '/x' } } };
    expect((await post(world.url, world.tokens.alpha!, call, session)).status).toBe(200);
    expect((await post(world.url, world.tokens.beta!, call, session)).status).toBe(404);
    expect((await post(world.url, SHARED_TOKEN, call, session)).status).toBe(404);
    expect((await post(world.url, 'pbc_not_a_token', initialize)).status).toBe(401);
  });

  it('a revoked token is refused by the running gateway', async () => {
    const ok = await post(world.url, world.tokens.beta!, initialize);
    expect(ok.status).toBe(200);
    const revoked = await runCli(['clients', 'revoke', 'beta']);
    expect(revoked.stdout).toContain('Revoked "beta"');
    const refused = await post(world.url, world.tokens.beta!, initialize);
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain('revoked');
  });

  it('calls are attributed to the client in the audit log', async () => {
    const client = await world.connect('2026-07-28', { client: 'alpha' });
    await client.callTool({ name: 'files__read_file', arguments: { path: '/by-alpha' } });
    const audit = openAuditStore(undefined, { retentionDays: 0 });
    expect(audit.query({ kind: 'call', client: 'alpha', tool: 'read_file' }).length).toBeGreaterThan(0);
    await audit.close();
  });
});

describe('stdio hosts: `patchbay connect HOST` and `gateway --stdio --client NAME`', () => {
  beforeAll(() => {
    writeConfig({});
    writeFileSync(claudeJsonPath(), JSON.stringify({ mcpServers: { files: { type: 'stdio', command: process.execPath, args: [FILES_SERVER], env: {} } } }, null, 2));
  });

  it('connect writes --client HOST into the entry and registers the host as a client without a token', async () => {
    const connected = await runCli(['connect', 'cursor']);
    expect(connected.code).toBe(0);
    expect(connected.stdout).toContain('--client cursor');
    const entry = (JSON.parse(readFileSync(join(process.env.HOME!, '.cursor', 'mcp.json'), 'utf8')) as { mcpServers: Record<string, { args: string[]; env: unknown }> }).mcpServers.patchbay!;
    expect(entry.args).toEqual([PATCHBAY_BIN, 'gateway', '--stdio', '--client', 'cursor']);
    expect(JSON.stringify(entry)).not.toMatch(/pbc_|pb_/); // no secret in the host's file
    const list = await runCli(['clients', 'list']);
    expect(list.stdout).toMatch(/^cursor\s+none \(stdio, --client\)/m);
  });

  it('the stdio gateway serves as that client, and refuses an unknown or revoked one', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [PATCHBAY_BIN, 'gateway', '--stdio', '--client', 'cursor'], env: { ...(process.env as Record<string, string>) }, stderr: 'pipe' });
    const client = new Client({ name: 'stdio-test', version: '1' });
    await client.connect(transport);
    await client.callTool({ name: 'files__read_file', arguments: { path: '/via-stdio' } });
    await client.close();
    const audit = openAuditStore(undefined, { retentionDays: 0 });
    expect(audit.query({ kind: 'call', client: 'cursor', tool: 'read_file' }).length).toBeGreaterThan(0);
    await audit.close();

    const unknown = await runCli(['gateway', '--stdio', '--client', 'ghost']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('--client ghost: no such client');
    await runCli(['clients', 'revoke', 'cursor']);
    const revoked = await runCli(['gateway', '--stdio', '--client', 'cursor']);
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toContain('was revoked');
  });
});

describe('the model proxy attributes usage to the client of the token', () => {
  let upstream: FakeUpstream;
  let proxy: RunningProxy | undefined;
  beforeAll(async () => {
    upstream = await startOpenAIUpstream();
    const settings = parseProxySettings({ providers: [{ name: 'openai', kind: 'openai', baseUrl: upstream.url, apiKeyEnv: 'OPENAI_KEY' }], router: { default: 'openai,gpt-4.1' } }, 'config.json', { OPENAI_KEY: 'sk-test' });
    proxy = await startProxy({ settings, token: SHARED_TOKEN, clients: createFileClientStore().resolver({ recheckMs: 0 }), port: 0, host: '127.0.0.1', log: () => undefined });
  });
  afterAll(async () => {
    await proxy?.close();
    await upstream?.close();
  });

  it('`patchbay cost --by client` shows the client, whatever x-patchbay-client claims', async () => {
    const { token } = await createFileClientStore().add('writer');
    const named = new Anthropic({ baseURL: proxy!.url, apiKey: token, maxRetries: 0, defaultHeaders: { 'x-patchbay-client': 'someone-else' } });
    await named.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });
    await named.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });
    const refused = new Anthropic({ baseURL: proxy!.url, apiKey: 'pbc_unknown', maxRetries: 0 });
    await expect(refused.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 401 });
    await proxy!.close(); // writes the queued usage rows
    proxy = undefined;
    const rows = openUsageStore(defaultDatabasePath()).query({ by: 'client' });
    expect(rows.find((r) => r.key === 'writer')?.requests).toBe(2);
    expect(rows.some((r) => r.key === 'someone-else')).toBe(false);
    const cost = await runCli(['cost', '--by', 'client']);
    expect(cost.stdout).toMatch(/^writer\s+2\s/m);
  });
});
