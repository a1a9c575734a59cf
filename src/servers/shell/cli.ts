/**
 * `patchbay server shell [--root DIR…] [--allow RULE…]`: shell commands as MCP tools on stdio,
 * every one checked against the allow list and run in the sandbox (src/sandbox). Settings come
 * from this command line and Patchbay's policy files only; no tool changes them.
 */
import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { PatchbayError, isPatchbayError } from '../../errors.js';
import { buildServerEnv } from '../../hub/env-policy.js';
import { loadCommandRules } from '../../policy/rules/load-command-rules.js';
import { createSandbox, resolveSandboxPolicy, serverStateDir, type Sandbox } from '../../sandbox/index.js';
import { parseHostRule } from '../../sandbox/host-rules.js';
import { createProcessManager, type ProcessManager } from './processes.js';
import { createShellMcpServer } from './tools.js';

interface ShellFlags {
  root: string[];
  allow: string[];
  deny: string[];
  networkAllow: string[];
  passEnv: string[];
  timeout: string;
  maxTimeout: string;
  config?: string;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

export function shellCommand(): Command {
  return new Command('patchbay server shell')
    .description('Serve shell commands as MCP tools on stdio (run_command, start_process, read_output, write_input, list_processes, stop_process, shell_settings), each checked against an allow list and run in a sandbox')
    .option('--root <dir>', 'a directory commands may run in and write to (repeatable; default: the current directory)', collect)
    .option('--allow <rule>', 'a command rule, Claude Code style: "npm test", "npm run test:*", "Bash(git status)" (repeatable)', collect)
    .option('--deny <rule>', 'a command that never runs, same syntax (repeatable; deny wins)', collect)
    .option('--network-allow <host>', 'hosts commands may reach through the egress proxy: "registry.npmjs.org", "127.0.0.1:8080" (repeatable; default: no network)', collect)
    .option('--pass-env <name>', "an environment variable passed to commands besides the usual PATH, HOME, LANG… (repeatable)", collect)
    .option('--timeout <seconds>', 'default timeout of run_command', '60')
    .option('--max-timeout <seconds>', 'the longest timeout a call may ask for', '600')
    .option('--config <file>', "Patchbay's config.json to read permissions from (default: the usual one)");
}

/** `npm test` → `Bash(npm test)`; a rule already written `Bash(…)` stays as it is. */
function asRule(text: string): string {
  const trimmed = text.trim();
  return /^Bash(\(|$)/.test(trimmed) ? trimmed : `Bash(${trimmed})`;
}

export interface ShellServerSetup {
  server: ReturnType<typeof createShellMcpServer>;
  close(): Promise<void>;
  banner: string;
}

export async function setupShellServer(args: string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<ShellServerSetup> {
  const command = shellCommand().exitOverride();
  command.parse(args, { from: 'user' });
  const opts = command.opts<Partial<ShellFlags>>();
  const flags: ShellFlags = { timeout: '60', maxTimeout: '600', ...opts, root: opts.root ?? [], allow: opts.allow ?? [], deny: opts.deny ?? [], networkAllow: opts.networkAllow ?? [], passEnv: opts.passEnv ?? [] };
  const roots = (flags.root.length ? flags.root : [cwd]).map((dir) => realRoot(dir, cwd));
  for (const host of flags.networkAllow) {
    try {
      parseHostRule(host);
    } catch (error) {
      throw new PatchbayError('USAGE', `--network-allow "${host}": ${(error as Error).message}`);
    }
  }
  const rules = await loadCommandRules({ projectRoot: roots[0]!, configFile: flags.config, allow: flags.allow.map(asRule), deny: flags.deny.map(asRule) });
  const network = flags.networkAllow.length ? `only ${flags.networkAllow.join(', ')} (through the egress proxy)` : 'none';
  let sandbox: Sandbox | undefined;
  let manager: ProcessManager | undefined;
  let unavailable: string | undefined;
  try {
    const policy = resolveSandboxPolicy({ write: roots, network: flags.networkAllow.length ? { allow: flags.networkAllow } : 'none' }, { projectDir: roots[0]!, where: 'patchbay server shell --root' });
    sandbox = await createSandbox({ policy, projectDir: roots[0]!, stateDir: serverStateDir('shell'), hostEnv: env, log: (level, message) => level !== 'debug' && process.stderr.write(`${level} ${message}\n`) });
    manager = createProcessManager({ sandbox, env: commandEnv(env, flags.passEnv) });
  } catch (error) {
    if (!isPatchbayError(error)) throw error;
    // Started anyway, so that a host sees the reason in every answer instead of a dead server.
    unavailable = `${error.message}${error.hint ? `. ${error.hint}` : ''}`;
  }
  const server = createShellMcpServer({
    roots,
    rules,
    ...(manager ? { manager } : {}),
    ...(unavailable ? { unavailable } : {}),
    network,
    defaultTimeoutSeconds: seconds(flags.timeout, '--timeout'),
    maxTimeoutSeconds: seconds(flags.maxTimeout, '--max-timeout'),
  });
  const banner = [
    `patchbay server shell: roots ${roots.join(', ')}; network ${network}; ${rules.allow.length} allow and ${rules.deny.length} deny rule(s)`,
    ...(unavailable ? [`  no command will run: ${unavailable}`] : []),
    ...(rules.fatal ? [`  every command is refused: ${rules.fatal}`] : []),
    ...rules.problems.map((p) => `  ${p}`),
  ].join('\n');
  return {
    server,
    banner,
    async close() {
      await manager?.closeAll();
      await sandbox?.close();
      await server.close();
    },
  };
}

export async function runShellServer(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const setup = await setupShellServer(args, env);
  const { StdioServerTransport } = await import('@modelcontextprotocol/server/stdio');
  const transport = new StdioServerTransport();
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await setup.close().catch(() => {});
    process.exit(0);
  };
  transport.onclose = () => void shutdown();
  process.stdin.once('end', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
  await setup.server.connect(transport);
  process.stderr.write(`${setup.banner}\n`);
}

/** The usual pass-through variables (src/hub/env-policy.ts), less what makes bash run a file first. */
function commandEnv(env: NodeJS.ProcessEnv, pass: readonly string[]): Record<string, string> {
  const out = buildServerEnv({ hubEnv: env, passEnv: pass });
  for (const name of ['BASH_ENV', 'ENV', 'PROMPT_COMMAND', 'SHELLOPTS', 'BASHOPTS', 'PS4', 'LD_PRELOAD', 'LD_LIBRARY_PATH']) delete out[name];
  return out;
}

function realRoot(dir: string, cwd: string): string {
  const path = resolve(cwd, dir);
  try {
    const real = realpathSync(path);
    if (statSync(real).isDirectory()) return real;
  } catch {
    /* below */
  }
  throw new PatchbayError('USAGE', `--root "${dir}" (${path}) is not an existing directory`, { hint: 'Create it or give another --root.' });
}

function seconds(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new PatchbayError('USAGE', `${flag} must be a positive number of seconds, not "${text}"`);
  return n;
}
