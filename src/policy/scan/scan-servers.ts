/**
 * `patchbay scan`: the hub's description checks on every configured server, without starting
 * the hub — connect to each (hub/probe.ts, concurrently), read every list, scan (index.ts),
 * close. Cross-server checks need every server, so all are read even when one is asked for.
 */
import { loadRegistry, resolveServers } from '../../config/registry.js';
import { createSecretRedactor, entrySecrets } from './redact.js';
import type { ScopedServer } from '../../config/types.js';
import { PatchbayError } from '../../errors.js';
import { probeServer, type ProbeResult } from '../../hub/probe.js';
import { scanCatalog } from './index.js';
import type { Finding } from './types.js';

export interface ScanServersOptions {
  /** Report only this server's findings. */
  name?: string;
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface ServerScan {
  name: string;
  scope: ScopedServer['scope'];
  file: string;
  /** connected: scanned; anything else: why it could not be. */
  status: ProbeResult['status'];
  reason?: string;
  counts?: { tools: number; prompts: number; templates: number };
  listErrors?: string[];
}

export interface ScanReport {
  projectRoot: string;
  servers: ServerScan[];
  findings: Finding[];
  /** No error-level finding: nothing the hub would hold back. */
  clean: boolean;
}

export async function scanServers(options: ScanServersOptions = {}): Promise<ScanReport> {
  const cwd = options.cwd ?? process.cwd();
  const registry = await loadRegistry({ cwd });
  const servers = resolveServers(registry, { includeUnapproved: true });
  if (options.name !== undefined && !servers.some((s) => s.name === options.name)) {
    throw new PatchbayError('SERVER_NOT_FOUND', `No MCP server named "${options.name}" is configured for ${registry.projectRoot}`, {
      hint: servers.length > 0 ? `Configured servers: ${servers.map((s) => s.name).sort().join(', ')}.` : 'No servers are configured; add one with `patchbay mcp add`.',
    });
  }
  const results = await Promise.all(servers.map((server) => probeForScan(server, options.timeoutMs ?? 10_000, cwd, options.env)));
  return buildScanReport(registry.projectRoot, servers, results, options.name);
}

export async function probeForScan(server: ScopedServer, timeoutMs: number, cwd: string, env?: NodeJS.ProcessEnv): Promise<ProbeResult> {
  try {
    return await probeServer(server, { timeoutMs, cwd, env, lists: true });
  } catch (error) {
    return { name: server.name, status: 'failed', reason: error instanceof Error ? error.message : String(error), durationMs: 0 };
  }
}

/** The report from probe results (doctor builds its scan section with this too). */
export function buildScanReport(projectRoot: string, servers: readonly ScopedServer[], results: readonly ProbeResult[], only?: string): ScanReport {
  const connected = results.filter((r) => r.status === 'connected' && r.lists);
  // A server may quote its own credentials in a description: never print them.
  const clean = createSecretRedactor(servers.flatMap((s) => entrySecrets(s)));
  const findings = scanCatalog(connected.map((r) => ({ server: r.name, lists: r.lists! })))
    .filter((f) => only === undefined || f.server === only)
    .map((f) => ({ ...f, message: clean(f.message), ...(f.excerpt !== undefined ? { excerpt: clean(f.excerpt) } : {}) }));
  const scans: ServerScan[] = servers
    .map((server, i) => {
      const r = results[i]!;
      return {
        name: server.name,
        scope: server.scope,
        file: server.file,
        status: r.status,
        ...(r.status !== 'connected' ? { reason: r.reason ?? r.status } : {}),
        ...(r.lists ? { counts: { tools: r.lists.tools.length, prompts: r.lists.prompts.length, templates: r.lists.templates.length } } : {}),
        ...(r.listErrors && r.listErrors.length > 0 ? { listErrors: r.listErrors } : {}),
      };
    })
    .filter((s) => only === undefined || s.name === only);
  return { projectRoot, servers: scans, findings, clean: !findings.some((f) => f.level === 'error') };
}
