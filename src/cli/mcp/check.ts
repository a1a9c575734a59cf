/**
 * Health checks for `list` and `get`: every server at once, each bounded by the timeout, never
 * throwing. The probe itself (connect, initialize, tools/list) is src/hub/probe.ts; here we only
 * decide what not to probe (disabled, unapproved) and keep secrets out of what comes back.
 */
import { PatchbayError } from '../../errors.js';
import { expandEntry } from '../../config/expand.js';
import { redactKnownSecrets, secretValuesOf } from '../../secrets/redact/index.js';
import { resolveServers, type Registry } from '../../config/registry.js';
import type { ScopedServer } from '../../config/types.js';
import type { ProbeResult } from '../../hub/probe.js';
import { isGatewayEntry } from '../../hosts/targets.js';

/** A host's entry for Patchbay's own gateway: described, never probed (it would run this hub through itself). */
export interface GatewayResult extends ProbeResult {
  gateway: { serves: string[]; forHost?: string };
}

export function isGatewayResult(result: ProbeResult): result is GatewayResult {
  return 'gateway' in result;
}

export function gatewayResult(server: ScopedServer, registry: Registry): GatewayResult | undefined {
  if (!isGatewayEntry(server.entry)) return undefined;
  const args = (server.entry as { args: string[] }).args;
  const forHost = args.includes('--for') ? args[args.indexOf('--for') + 1] : undefined;
  const served = resolveServers(registry, { forHost: forHost === 'claude-code' ? 'claude-code' : undefined });
  const serves = served.filter((s) => !isGatewayEntry(s.entry) && !s.entry.patchbay?.disabled).map((s) => s.name);
  return { name: server.name, status: 'disabled', durationMs: 0, gateway: { serves, forHost } };
}

export function timeoutFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const source = flag ?? env.MCP_TIMEOUT;
  if (source === undefined || source === '') return 10_000;
  const ms = Number(source);
  if (!Number.isInteger(ms) || ms <= 0) {
    throw new PatchbayError('USAGE', `${flag !== undefined ? '--timeout' : 'MCP_TIMEOUT'} "${source}": expected a number of milliseconds`);
  }
  return ms;
}

export async function checkServer(server: ScopedServer, timeoutMs: number, cwd: string): Promise<ProbeResult> {
  const base = { name: server.name, durationMs: 0 };
  if (server.entry.patchbay?.disabled) return { ...base, status: 'disabled', reason: 'Disabled (patchbay.disabled)' };
  if (server.scope === 'project' && server.approval === 'rejected') {
    return { ...base, status: 'disabled', reason: 'Rejected in .claude/settings.local.json', hint: 'patchbay mcp reset-project-choices lets you choose again.' };
  }
  if (server.scope === 'project' && server.approval === 'pending') return { ...base, status: 'pending-approval' };
  let timer: NodeJS.Timeout | undefined;
  try {
    const { probeServer } = await import('../../hub/probe.js');
    // The probe has its own timeout; this one is a backstop so one stuck server cannot hang `list`.
    const backstop = new Promise<ProbeResult>((resolve) => {
      timer = setTimeout(() => resolve({ ...base, status: 'failed', reason: `no answer within ${timeoutMs} ms`, durationMs: timeoutMs }), timeoutMs + 2_000);
      timer.unref();
    });
    return redactResult(await Promise.race([probeServer(server, { timeoutMs, cwd }), backstop]), server);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return redactResult({ ...base, status: 'failed', reason: message }, server);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Servers echo their env and headers in error messages; replace those values before printing. */
function redactResult(result: ProbeResult, server: ScopedServer): ProbeResult {
  const secrets = secretValuesOf(expandEntry(server.entry).entry);
  if (secrets.length === 0) return result;
  return {
    ...result,
    reason: result.reason === undefined ? undefined : redactKnownSecrets(result.reason, secrets),
    details: result.details?.map((d) => redactKnownSecrets(d, secrets)),
    hint: result.hint === undefined ? undefined : redactKnownSecrets(result.hint, secrets),
  };
}

export function checkAll(servers: ScopedServer[], timeoutMs: number, cwd: string): Promise<ProbeResult[]> {
  return Promise.all(servers.map((s) => checkServer(s, timeoutMs, cwd)));
}
