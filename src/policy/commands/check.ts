/**
 * `patchbay policy check CLIENT SERVER TOOL [ARGS-JSON]`: the decision the running hub would
 * make for that call, and the rule that makes it, from the same files and the same compiled
 * policy (rules/holder.ts), without starting anything.
 */
import { loadRegistry, resolveServers } from '../../config/registry.js';
import { PatchbayError } from '../../errors.js';
import type { CompiledPolicy, Decision } from '../rules/compile.js';
import { compileLoaded } from '../rules/holder.js';
import { loadPolicy } from '../rules/load.js';

export interface PolicyCheckOptions {
  client: string;
  server: string;
  tool: string;
  args?: string;
  json?: boolean;
  cwd?: string;
  configFile?: string;
}

export interface PolicyCheckResult {
  decision: Decision;
  version: string;
  serverConfigured: boolean;
  fatal?: string;
}

export async function loadPolicyFor(cwd: string, configFile?: string): Promise<{ policy: CompiledPolicy; servers: string[]; projectRoot: string }> {
  const registry = await loadRegistry({ cwd });
  const servers = resolveServers(registry, { includeUnapproved: true }).map((s) => s.name);
  const loaded = await loadPolicy({ projectRoot: registry.projectRoot, configFile });
  return { policy: compileLoaded(loaded, { projectRoot: registry.projectRoot, servers }), servers, projectRoot: registry.projectRoot };
}

function parseArgs(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PatchbayError('USAGE', `ARGS-JSON is not valid JSON: ${(error as Error).message}`, { hint: `Quote it for the shell: '{"path": "~/notes.txt"}'` });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new PatchbayError('USAGE', 'ARGS-JSON must be a JSON object of the call\'s arguments', { hint: `For example: '{"path": "~/notes.txt"}'` });
  return value as Record<string, unknown>;
}

export async function runPolicyCheck(options: PolicyCheckOptions, out: NodeJS.WritableStream = process.stdout): Promise<PolicyCheckResult> {
  const args = parseArgs(options.args);
  const { policy, servers } = await loadPolicyFor(options.cwd ?? process.cwd(), options.configFile);
  // The tool as the server names it; accept the gateway's `server__tool` too.
  const tool = options.tool.startsWith(`${options.server}__`) ? options.tool.slice(options.server.length + 2) : options.tool;
  const decision = policy.decide(options.client, options.server, tool, args);
  const result: PolicyCheckResult = { decision, version: policy.version, serverConfigured: servers.includes(options.server), ...(policy.fatal ? { fatal: policy.fatal } : {}) };
  if (options.json) {
    out.write(`${JSON.stringify(result, null, 2)}\n`);
    return result;
  }
  const lines = [`${decision.mode}  client "${options.client}" → ${options.server}__${tool}`];
  if (policy.fatal) lines.push(`  every call is refused: the permissions are invalid: ${policy.fatal}`);
  else if (decision.fromDefault) lines.push(`  no rule names it: ${decision.rule} is "${decision.mode}"`);
  else lines.push(`  rule: ${decision.mode} "${decision.rule}"${decision.origin ? ` in ${decision.origin}` : ''}`);
  if (decision.mode === 'ask') lines.push('  the call waits for a person: the client\'s own dialog, or `patchbay approvals`');
  lines.push(`  policy ${policy.version} (${policy.rules.length} rule${policy.rules.length === 1 ? '' : 's'})`);
  if (!result.serverConfigured) lines.push(`  note: no server "${options.server}" is configured for this project`);
  out.write(`${lines.join('\n')}\n`);
  return result;
}
