/**
 * `patchbay mcp list`: what Claude Code would start for this project, each checked at once,
 * with the reason when one fails (Claude Code prints none) and config problems with file:line:col.
 */
import { loadRegistry, resolveServers } from '../../config/registry.js';
import { redactEntry } from '../../secrets/redact/index.js';
import type { ScopedServer } from '../../config/types.js';
import { eraOf, type ProbeResult } from '../../hub/probe.js';
import { probeCollisions } from '../../hub/probe-collisions.js';
import { checkAll, gatewayResult, isGatewayResult, timeoutFrom } from './check.js';
import { sandboxLabel } from '../../sandbox/options.js';
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
  // The gateway entry `patchbay connect` wrote is shown for what it is, and never probed.
  const gateways = servers.map((s) => gatewayResult(s, registry));
  const probed = await checkAll(servers.filter((_, i) => !gateways[i]), timeoutMs, cwd);
  const results: ProbeResult[] = gateways.map((g) => g ?? probed.shift()!);
  // Tools two servers both offer are withheld by the hub: say so here, not only in mcp.log.
  const collisions = probeCollisions(servers, results);
  if (options.json) {
    write(JSON.stringify(servers.map((s, i) => ({ ...toJson(s, results[i]!), ...(collisions.has(s.name) ? { collisions: collisions.get(s.name) } : {}) })), null, 2));
  } else if (servers.length === 0) {
    write('No MCP servers configured. Use `patchbay mcp add` to add a server.');
  } else {
    servers.forEach((server, i) => {
      const result = results[i]!;
      const sandbox = sandboxLabel(server.entry);
      write(`${server.name}: ${describeTarget(server)} - ${statusText(result)}${sandbox ? ` · ${sandbox}` : ''}`);
      if (result.protocolVersion) write(`  Protocol: ${eraOf(result.protocolVersion)}`);
      for (const line of statusDetails(result)) write(line);
      for (const line of collisions.get(server.name) ?? []) write(`    ⚠ ${line}`);
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
    status: isGatewayResult(result) ? 'gateway' : result.status,
    ...(isGatewayResult(result) ? { serves: result.gateway.serves } : {}),
    ...(result.reason !== undefined ? { reason: result.reason } : {}),
    ...(result.details?.length ? { details: result.details } : {}),
    ...(result.hint !== undefined ? { hint: result.hint } : {}),
    ...(result.toolCount !== undefined ? { toolCount: result.toolCount } : {}),
    ...(result.toolCountWithoutCapabilities !== undefined ? { toolCountWithoutCapabilities: result.toolCountWithoutCapabilities } : {}),
    ...(result.serverName !== undefined ? { serverName: result.serverName, serverVersion: result.serverVersion } : {}),
    ...(result.protocolVersion !== undefined ? { protocolVersion: result.protocolVersion } : {}),
  };
}
