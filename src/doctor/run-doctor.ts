/**
 * `patchbay doctor [NAME]`: every check a user would otherwise do by hand from the guide's
 * troubleshooting section (chapter 8.3, Appendix C Table 3) — config files that are not valid
 * JSON or do not match the schema, servers that do not start or do not answer, project servers
 * waiting for approval — run at once, each finding with what, where and the fix.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PatchbayError } from '../errors.js';
import { patchbayPaths } from '../paths.js';
import { expandEntry, loadRegistry, resolveServers, type ConfigProblem } from '../config/registry.js';
import { redactKnownSecrets, secretValuesOf } from '../secrets/redact/index.js';
import type { ScopedServer } from '../config/types.js';
import { probeServer, type ProbeResult } from '../hub/probe.js';
import type { Finding } from '../policy/scan/types.js';
import type { PolicyFinding } from '../policy/rules/analyze.js';
import { probeCollisions } from '../hub/probe-collisions.js';
import { renderReport } from './render.js';
import type { SecretFinding } from '../secrets/scan/run-secret-scan.js';
import { sandboxSuggestions, sandboxSupport } from './sandbox-advice.js';
import { sandboxLabel } from '../sandbox/options.js';
import type { SandboxSupport } from '../sandbox/support.js';

export interface DoctorOptions {
  name?: string;
  json?: boolean;
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Where the report goes; default stdout. */
  write?: (text: string) => void;
}

export interface ServerFinding {
  name: string;
  scope: ScopedServer['scope'];
  file: string;
  transport: 'stdio' | 'http' | 'sse';
  healthy: boolean;
  result: ProbeResult;
  /** Where this server's own log is (written by the hub when Patchbay runs it). */
  logFile: string;
  /** Whether that log exists yet (only once the hub has run the server). */
  logExists: boolean;
  /** Tools `patchbay up` withholds because another server offers the same name. */
  collisions?: string[];
  /** "sandboxed (network: none)" when its entry asks for the sandbox. */
  sandbox?: string;
  /** An installed bundle: tools its runtime tools/list has that its manifest does not declare. */
  undeclaredTools?: string[];
}

export interface DoctorReport {
  healthy: boolean;
  projectRoot: string;
  configProblems: ConfigProblem[];
  servers: ServerFinding[];
  /** Description scanning of every server that connected (src/policy/scan/): what the hub would hold back. */
  scan: Finding[];
  /** The permission rules: invalid, unmatchable and shadowed ones (src/policy/rules/analyze.ts). */
  policy: PolicyFinding[];
  logDir: string;
  /** Literal secrets in config files (`patchbay scan --secrets`); errors when the file is committed. */
  secrets: SecretFinding[];
  /** Whether a sandbox can run here, and why not. */
  sandbox: SandboxSupport;
  /** One line per unconfined stdio server: how to sandbox it. */
  suggestions: string[];
}

const DEFAULT_TIMEOUT_MS = 10_000;

export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const cwd = options.cwd ?? process.cwd();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Claude Desktop's file too: a syntax error there is the guide's most common failure.
  const registry = await loadRegistry({ cwd, includeClaudeDesktop: true });
  const desktop = registry.servers.filter((s) => s.scope === 'claude-desktop');
  let servers = [...resolveServers(registry, { includeUnapproved: true }), ...desktop];
  let configProblems = registry.problems;
  if (options.name !== undefined) {
    const name = options.name;
    servers = servers.filter((s) => s.name === name);
    configProblems = configProblems.filter((p) => p.server === name || p.server === undefined);
    if (servers.length === 0 && !configProblems.some((p) => p.server === name)) {
      const known = [...new Set(registry.servers.map((s) => s.name))].sort();
      throw new PatchbayError('SERVER_NOT_FOUND', `No MCP server named "${name}" is configured for ${registry.projectRoot}`, {
        hint: known.length > 0 ? `Configured servers: ${known.join(', ')}.` : 'No servers are configured; add one with `patchbay mcp add`.',
      });
    }
  }

  const logDir = patchbayPaths().log;
  const { runSecretScan } = await import('../secrets/scan/run-secret-scan.js');
  const [results, secretScan, sandbox] = await Promise.all([
    Promise.all(servers.map((server) => probeOne(server, timeoutMs, cwd, options.env))),
    runSecretScan({ cwd }).catch(() => undefined),
    sandboxSupport(options.env),
  ]);
  const secrets = (secretScan?.findings ?? []).filter((f) => options.name === undefined || f.server === options.name);
  // Claude Desktop's servers are not served by the hub; the others are, side by side.
  const hubbed = servers.map((s, i) => [s, results[i]!] as const).filter(([s]) => s.scope !== 'claude-desktop');
  const collisions = probeCollisions(hubbed.map(([s]) => s), hubbed.map(([, r]) => r));
  const { readOrigins } = await import('../catalog/snapshot.js');
  const origins = await readOrigins();
  const findings: ServerFinding[] = servers.map((server, i) => {
    const result = results[i] as ProbeResult;
    const logFile = join(logDir, `mcp-server-${server.name.replace(/[^A-Za-z0-9._@-]/g, '_')}.log`);
    return {
      name: server.name,
      scope: server.scope,
      file: server.file,
      transport: server.entry.type ?? 'stdio',
      healthy: isHealthy(result),
      result,
      logFile,
      logExists: existsSync(logFile),
      ...(server.scope !== 'claude-desktop' && collisions.has(server.name) ? { collisions: collisions.get(server.name) } : {}),
      ...(sandboxLabel(server.entry) ? { sandbox: sandboxLabel(server.entry) } : {}),
      ...undeclared(origins[server.name], result),
    };
  });
  // The same checks as `patchbay scan` and the hub, over the lists the probes just read.
  const { buildScanReport } = await import('../policy/scan/scan-servers.js');
  const scan = buildScanReport(registry.projectRoot, servers, results).findings.filter((f) => f.level !== 'info');
  const policy = options.name === undefined ? await checkPolicy(registry.projectRoot, resolveServers(registry, { includeUnapproved: true }).map((s) => s.name), findings) : [];
  for (const f of findings) delete f.result.lists;
  const report: DoctorReport = {
    healthy:
      configProblems.length === 0 &&
      findings.every((f) => f.healthy) &&
      !secrets.some((s) => s.severity === 'error') &&
      !scan.some((f) => f.level === 'error') &&
      !policy.some((f) => f.level === 'error'),
    projectRoot: registry.projectRoot,
    configProblems,
    servers: findings,
    scan,
    policy,
    logDir,
    secrets,
    sandbox,
    suggestions: sandboxSuggestions(servers),
  };
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
  return report;
}

/** The permissions, checked against the servers and tools the probes just saw. */
async function checkPolicy(projectRoot: string, servers: string[], findings: ServerFinding[]): Promise<PolicyFinding[]> {
  try {
    const { loadPolicy } = await import('../policy/rules/load.js');
    const { compileLoaded } = await import('../policy/rules/holder.js');
    const { analyzePolicy } = await import('../policy/rules/analyze.js');
    const { createFileClientStore } = await import('../auth/client-store.js');
    const policy = compileLoaded(await loadPolicy({ projectRoot }), { projectRoot, servers });
    const tools = new Map(findings.filter((f) => f.result.toolNames !== undefined).map((f) => [f.name, f.result.toolNames!]));
    const clients = (await createFileClientStore().list().catch(() => [])).filter((c) => !c.revokedAt).map((c) => c.name);
    return analyzePolicy(policy, { servers, tools, clients });
  } catch (error) {
    return [{ level: 'error', message: `the permissions could not be checked: ${error instanceof Error ? error.message : String(error)}` }];
  }
}

/** A bundle's tools that its manifest does not declare (a manifest is what the user agreed to install). */
function undeclared(origin: { kind?: string; tools?: string[] } | undefined, result: ProbeResult): { undeclaredTools?: string[] } {
  if (origin?.kind !== 'bundle' || !result.toolNames) return {};
  const declared = new Set(origin.tools ?? []);
  const extra = result.toolNames.filter((t) => !declared.has(t));
  return extra.length ? { undeclaredTools: extra } : {};
}

/** Healthy: works as a host would run it. Disabled and rejected servers are a choice, not a fault. */
function isHealthy(result: ProbeResult): boolean {
  if (result.status === 'disabled') return true;
  return result.status === 'connected' && result.kind !== 'non-json-stdout';
}

async function probeOne(server: ScopedServer, timeoutMs: number, cwd: string, env?: NodeJS.ProcessEnv): Promise<ProbeResult> {
  try {
    return redactResult(await probeServer(server, { timeoutMs, cwd, env, lists: true }), server, env);
  } catch (error) {
    // The probe reports failures as results; anything thrown is unexpected, but one server's
    // surprise must not hide the others' findings.
    return {
      name: server.name,
      status: 'failed',
      kind: 'failed',
      reason: error instanceof Error ? error.message : String(error),
      durationMs: 0,
    };
  }
}

/** The probe redacts what servers print; this also covers secrets a reason could quote (URL, args). */
function redactResult(result: ProbeResult, server: ScopedServer, env: NodeJS.ProcessEnv = process.env): ProbeResult {
  const secrets = secretValuesOf(expandEntry(server.entry, env).entry);
  if (secrets.length === 0) return result;
  const clean = (text: string) => redactKnownSecrets(text, secrets);
  return {
    ...result,
    ...(result.reason !== undefined ? { reason: clean(result.reason) } : {}),
    ...(result.details ? { details: result.details.map(clean) } : {}),
    ...(result.hint !== undefined ? { hint: clean(result.hint) } : {}),
  };
}
