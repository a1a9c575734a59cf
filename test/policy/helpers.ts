/**
 * The policy tests' world: Patchbay's config.json in the test's temporary HOME, the hub's real
 * guards (src/gateway/guards.ts: audit + policy over patchbay.db), the gateway on 127.0.0.1
 * with a shared token and per-client tokens, and official SDK v2 clients of either era.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createFileClientStore } from '../../src/auth/client-store.js';
import { patchbayConfigPath } from '../../src/config/patchbay-config.js';
import { createHubGuards, type HubGuards } from '../../src/gateway/guards.js';
import { startGateway, stdioServer, type Running } from '../gateway/helpers/harness.js';
import { runCli } from '../helpers/cli.js';

export const FILES_SERVER = fileURLToPath(new URL('../fixtures/policy/files-server.mjs', import.meta.url));
export const SHARED_TOKEN = 'pb_shared_token_for_policy_tests';

export type Era = 'legacy' | '2026-07-28';
export const ERAS: Era[] = ['legacy', '2026-07-28'];

export function writeConfig(config: unknown): void {
  const file = patchbayConfigPath();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
}

export interface PolicyWorld extends Running {
  guards: HubGuards;
  tokens: Record<string, string>;
  connect(era: Era, options?: { client?: string; elicitation?: boolean }): Promise<Client>;
}

export async function startPolicyWorld(clientNames: string[] = []): Promise<PolicyWorld> {
  const store = createFileClientStore();
  const tokens: Record<string, string> = { default: SHARED_TOKEN };
  for (const name of clientNames) tokens[name] = (await store.add(name, { rotate: true })).token;
  const servers = [stdioServer('files', FILES_SERVER)];
  const projectRoot = mkdtempSync(join(tmpdir(), 'patchbay-policy-project-'));
  const guards = await createHubGuards({ projectRoot, servers, env: process.env, log: () => undefined });
  const running = await startGateway(servers, { token: SHARED_TOKEN, clients: store.resolver({ recheckMs: 0 }), hub: { guards: guards.guards } });
  const clients: Client[] = [];
  return {
    ...running,
    guards,
    tokens,
    async connect(era, options = {}) {
      const token = tokens[options.client ?? 'default']!;
      const capabilities = options.elicitation ? { elicitation: { form: {} } } : {};
      const client = new Client({ name: 'policy-test', version: '1.0.0' }, { capabilities, versionNegotiation: { mode: era === 'legacy' ? 'legacy' : { pin: '2026-07-28' } } });
      await client.connect(new StreamableHTTPClientTransport(new URL(running.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      await running.close();
      await guards.close();
    },
  };
}

export function textOf(result: unknown): string {
  return ((result as { content?: { text?: string }[] }).content ?? []).map((c) => c.text ?? '').join('');
}

/** The pending approvals as `patchbay approvals --json` prints them (the real CLI). */
export async function pendingApprovals(): Promise<{ id: string; client: string; tool: string; argsPreview: string }[]> {
  const run = await runCli(['approvals', '--json']);
  if (run.code !== 0) throw new Error(`patchbay approvals failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { id: string; client: string; tool: string; argsPreview: string }[];
}

/** Waits (by polling the CLI, no timers in assertions) until a pending approval for `tool` appears. */
export async function waitForPending(tool: string): Promise<{ id: string; client: string; tool: string; argsPreview: string }> {
  for (;;) {
    const found = (await pendingApprovals()).find((a) => a.tool === tool);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
