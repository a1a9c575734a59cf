/**
 * `patchbay mcp list`: what Claude Code would start for this project, each checked at once,
 * with the reason when one fails (Claude Code prints none) and config problems with file:line:col.
 */
import { loadRegistry, resolveServers } from '../../config/registry.js';
import { redactEntry } from '../../config/redact.js';
import type { ScopedServer } from '../../config/types.js';
import type { ProbeResult } from '../../hub/probe.js';
import { sandboxLabel } from '../../sandbox/options.js';
import { checkAll, timeoutFrom } from './check.js';
import { describeTarget, printProblems, statusDetails, statusText, write } from './format.js';

export interface ListOptions {
  json?: boolean;
  check?: boolean;
  timeout?: string;
  cwd?: string;
}

export async function runList(options: ListOptions): Promise<void> {
  const timeoutMs = timeoutFrom(options.timeout);
  const cwd = options.cwd ?? process.cwd();
  const registry = await loadRegistry({ cwd });
  const servers = resolveServers(registry, { includeUnapproved: true });
  if (!options.json && servers.length > 0) write('Checking MCP server health...\n');
  const results = await checkAll(servers, timeoutMs, cwd);
  if (options.json) {
    write(JSON.stringify(servers.map((s, i) => toJson(s, results[i]!)), null, 2));
  } else if (servers.length === 0) {
    write('No MCP servers configured. Use `patchbay mcp add` to add a server.');
  } else {
    servers.forEach((server, i) => {
      const result = results[i]!;
      const sandbox = sandboxLabel(server.entry);
      write(`${server.name}: ${describeTarget(server)} - ${statusText(result)}${sandbox ? ` · ${sandbox}` : ''}`);
      for (const line of statusDetails(result)) write(line);
    });
  }
  printProblems(registry.problems);
  // Claude Code exits 0 even when servers fail; --check makes failure visible to scripts and CI.
  if (options.check && (results.some((r) => r.status === 'failed') || registry.problems.length > 0)) process.exitCode = 1;
}

function toJson(server: ScopedServer, result: ProbeResult): Record<string, unknown> {
  return {
    name: server.name,
    scope: server.scope,
    file: server.file,
    ...(server.approval ? { approval: server.approval } : {}),
    ...redactEntry(server.entry),
    type: server.entry.type ?? 'stdio',
    sandboxed: sandboxLabel(server.entry) !== undefined,
    status: result.status,
    ...(result.reason !== undefined ? { reason: result.reason } : {}),
    ...(result.details?.length ? { details: result.details } : {}),
    ...(result.hint !== undefined ? { hint: result.hint } : {}),
    ...(result.toolCount !== undefined ? { toolCount: result.toolCount } : {}),
    ...(result.serverName !== undefined ? { serverName: result.serverName, serverVersion: result.serverVersion } : {}),
    ...(result.protocolVersion !== undefined ? { protocolVersion: result.protocolVersion } : {}),
  };
}
