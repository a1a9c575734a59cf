/**
 * Shared pieces of the policy tests: entries for the fixture servers in test/fixtures/policy/,
 * and reading a real server's lists the way `patchbay scan` does (hub/probe.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScopedServer } from '../../src/config/types.js';
import type { ServerLists } from '../../src/hub/catalog.js';
import { probeServer } from '../../src/hub/probe.js';

export const POLICY_FIXTURES = fileURLToPath(new URL('../fixtures/policy/', import.meta.url));

export function fixtureServer(name: string, fixture: string, extra: { env?: Record<string, string>; patchbay?: Record<string, unknown> } = {}): ScopedServer {
  return {
    name,
    scope: 'user',
    file: join(process.env.HOME ?? tmpdir(), '.claude.json'),
    entry: { command: process.execPath, args: [join(POLICY_FIXTURES, fixture)], env: extra.env ?? {}, ...(extra.patchbay ? { patchbay: extra.patchbay } : {}) },
  };
}

/** A file a fixture counts its starts in (FIXTURE_STATE). */
export function stateFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'patchbay-fixture-')), 'generation');
}

export async function listsOf(server: ScopedServer): Promise<ServerLists> {
  const result = await probeServer(server, { timeoutMs: 15_000, lists: true });
  if (result.status !== 'connected' || !result.lists) throw new Error(`${server.name}: ${result.reason ?? result.status}`);
  return result.lists;
}
