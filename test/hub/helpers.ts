/**
 * Shared pieces of the hub tests: server entries for the real fixture processes, downstream
 * contexts that record what the hub sends them (they play the MCP client here), and a poll
 * helper that waits for a condition without asserting anything about time.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScopedServer, ServerEntry } from '../../src/config/types.js';
import type { DownstreamContext } from '../../src/hub/types.js';
import { createHub, type HubOptions } from '../../src/hub/index.js';

export const RICH_SERVER = fileURLToPath(new URL('../fixtures/hub/rich-server.mjs', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/hub/', import.meta.url));
export const EVERYTHING = fileURLToPath(
  new URL('../../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url),
);

export function scoped(name: string, entry: ServerEntry): ScopedServer {
  return { name, scope: 'user', file: join(process.env.HOME ?? tmpdir(), '.claude.json'), entry };
}

export function rich(name: string, extra: Partial<ServerEntry> & { env?: Record<string, string> } = {}): ScopedServer {
  const { env, ...rest } = extra;
  return scoped(name, {
    command: process.execPath,
    args: [RICH_SERVER],
    env: { FIXTURE_NAME: name, ...env },
    ...rest,
  } as ServerEntry);
}

export function everything(name = 'everything'): ScopedServer {
  return scoped(name, { command: process.execPath, args: [EVERYTHING, 'stdio'] });
}

export function tempLogDir(): string {
  return mkdtempSync(join(tmpdir(), 'patchbay-hub-logs-'));
}

/** A hub with test-friendly defaults: fast restarts, its own log dir, pings off. */
export function testHub(servers: ScopedServer[], options: Partial<HubOptions> = {}) {
  return createHub({
    servers,
    logDir: tempLogDir(),
    restart: { baseDelayMs: 20, maxDelayMs: 200, maxRestarts: 3, windowMs: 60_000 },
    ping: { intervalMs: 0 },
    connectTimeoutMs: 15_000,
    ...options,
  });
}

export interface RecordingContext extends DownstreamContext {
  notifications: { method: string; params: any }[];
  requests: { method: string; params: any }[];
  controller: AbortController;
}

/** A downstream client that records notifications and answers server requests with `answer`. */
export function fakeClient(
  sessionId: string,
  answer: (method: string, params: any) => unknown = () => ({}),
  client = 'default',
): RecordingContext {
  const controller = new AbortController();
  const context: RecordingContext = {
    sessionId,
    client,
    clientCapabilities: { elicitation: {}, sampling: {}, roots: {} },
    signal: controller.signal,
    protocolVersion: '2025-11-25',
    notifications: [],
    requests: [],
    controller,
    notify(method, params) {
      context.notifications.push({ method, params });
    },
    async request(method, params) {
      context.requests.push({ method, params });
      return answer(method, params);
    },
  };
  return context;
}

/** Polls until `check` returns a truthy value (the test's own timeout bounds the wait). */
export async function waitFor<T>(check: () => T | Promise<T>, intervalMs = 20): Promise<NonNullable<T>> {
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export { isAlive } from '../probe/helpers.js';

export function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((c) => c.text ?? '').join('');
}
