/**
 * The shell server's tools. Every command line passes gate.ts (parser + rules) and then runs in
 * the sandbox; without a sandbox nothing runs and every tool that would run says why. There is
 * no tool that changes the server's settings: `shell_settings` only shows them (an agent that
 * could widen its own allow list would have none — DesktopCommander's `set_config_value`).
 */
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import type { CommandRuleSet } from '../../policy/rules/command-rule.js';
import { describeRule } from '../../policy/rules/load-command-rules.js';
import { isUnder } from '../../sandbox/mount-plan.js';
import { gateCommand } from './gate.js';
import { ProcessError, type OutputPage, type ProcessInfo, type ProcessManager } from './processes.js';

export interface ShellToolOptions {
  roots: readonly string[];
  rules: CommandRuleSet;
  /** Undefined when no sandbox can run: then `unavailable` says why. */
  manager?: ProcessManager;
  unavailable?: string;
  network: string;
  defaultTimeoutSeconds: number;
  maxTimeoutSeconds: number;
}

const ID = z.string().regex(/^p\d{1,9}$/, 'a process id such as "p3", from run_command, start_process or list_processes');
const MAX_CHARS = z.number().int().min(100).max(200_000);

class InputError extends Error {}

export function createShellMcpServer(options: ShellToolOptions): McpServer {
  const { roots, rules } = options;
  const server = new McpServer(
    { name: 'patchbay-shell', version: '0.1.0' },
    {
      instructions: `Runs shell commands in a sandbox: writable ${roots.join(', ')}; network ${options.network}. Only commands the allow list names run (shell_settings shows it). Long-running commands: start_process, then read_output.`,
    },
  );

  function manager(): ProcessManager {
    if (!options.manager) throw new InputError(`no command runs: ${options.unavailable ?? 'the sandbox is not available'}`);
    return options.manager;
  }

  function workingDirectory(cwd: string | undefined): string {
    const wanted = cwd === undefined ? roots[0]! : isAbsolute(cwd) ? cwd : resolve(roots[0]!, cwd);
    let real: string;
    try {
      real = realpathSync(wanted);
    } catch {
      throw new InputError(`cwd "${cwd}" does not exist (relative paths are from ${roots[0]})`);
    }
    if (!roots.some((root) => isUnder(real, root))) throw new InputError(`cwd "${cwd}" (${real}) is outside the roots: ${roots.join(', ')}`);
    if (!statSync(real).isDirectory()) throw new InputError(`cwd "${cwd}" is not a directory`);
    return real;
  }

  async function checked(command: string, cwd: string): Promise<void> {
    const gate = await gateCommand(command, rules, { cwd, roots });
    if (!gate.ok) throw new InputError(gate.reason);
  }

  server.registerTool(
    'run_command',
    {
      title: 'Run a command',
      description: 'Run one shell command line (bash syntax: &&, ||, |, ;, $(…), redirections) to its end, in the sandbox, and return its output (stdout and stderr together). Every command in the line must be in the allow list. Output longer than max_chars: page on with read_output.',
      inputSchema: z.object({
        command: z.string().min(1).max(100_000),
        cwd: z.string().optional().describe(`working directory inside a root; relative to ${roots[0]}`),
        timeout_seconds: z.number().positive().max(options.maxTimeoutSeconds).optional().describe(`default ${options.defaultTimeoutSeconds}; at the timeout the command and everything it started are killed`),
        max_chars: MAX_CHARS.default(20_000),
      }),
      annotations: { destructiveHint: true, openWorldHint: false },
    },
    async ({ command, cwd, timeout_seconds, max_chars }) =>
      respond(async () => {
        const dir = workingDirectory(cwd);
        await checked(command, dir);
        const info = await manager().run(command, dir, (timeout_seconds ?? options.defaultTimeoutSeconds) * 1000);
        return report(info, manager().read(info.id, max_chars).page);
      }),
  );

  server.registerTool(
    'start_process',
    {
      title: 'Start a long-running process',
      description: 'Start a command line that keeps running (a dev server, a watcher, an interactive program) in the sandbox; returns its id and the output of its first moments. Read more with read_output, type into it with write_input, end it with stop_process.',
      inputSchema: z.object({
        command: z.string().min(1).max(100_000),
        cwd: z.string().optional().describe(`working directory inside a root; relative to ${roots[0]}`),
        wait_seconds: z.number().min(0).max(30).default(1).describe('how long to wait for first output'),
        max_chars: MAX_CHARS.default(20_000),
      }),
      annotations: { destructiveHint: true, openWorldHint: false },
    },
    async ({ command, cwd, wait_seconds, max_chars }) =>
      respond(async () => {
        const dir = workingDirectory(cwd);
        await checked(command, dir);
        const info = manager().start(command, dir);
        if (wait_seconds > 0) await manager().waitForOutput(info.id, wait_seconds * 1000);
        const read = manager().read(info.id, max_chars);
        return report(read.info, read.page);
      }),
  );

  server.registerTool(
    'read_output',
    {
      title: 'Read new output',
      description: "A process's output since the last read_output (or from `offset`), up to max_chars; waits up to wait_seconds for something new while it runs.",
      inputSchema: z.object({
        id: ID,
        max_chars: MAX_CHARS.default(20_000),
        offset: z.number().int().min(0).optional().describe('read from here instead of where the last read ended (the `next` of an earlier result)'),
        wait_seconds: z.number().min(0).max(30).default(0),
      }),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ id, max_chars, offset, wait_seconds }) =>
      respond(async () => {
        if (wait_seconds > 0 && offset === undefined) await manager().waitForOutput(id, wait_seconds * 1000);
        const read = manager().read(id, max_chars, offset);
        return report(read.info, read.page);
      }),
  );

  server.registerTool(
    'write_input',
    {
      title: 'Write to a process',
      description: "Send text to the standard input of a process this server started with start_process (add \"\\n\" to end a line); `close` ends its input. What a program does with its input is confined by the same sandbox as the program.",
      inputSchema: z.object({ id: ID, input: z.string().max(1_000_000), close: z.boolean().default(false) }),
      annotations: { destructiveHint: true, openWorldHint: false },
    },
    async ({ id, input, close }) => respond(async () => ({ ...manager().write(id, input, close) })),
  );

  server.registerTool(
    'list_processes',
    {
      title: 'List processes',
      description: 'The processes this server started (running ones and recently finished ones); nothing else on the machine.',
      inputSchema: z.object({}),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async () => respond(async () => ({ processes: options.manager?.list() ?? [] })),
  );

  server.registerTool(
    'stop_process',
    {
      title: 'Stop a process',
      description: 'Stop a process this server started, with everything it started (SIGTERM, then SIGKILL after 2 s).',
      inputSchema: z.object({ id: ID }),
      annotations: { destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ id }) => respond(async () => ({ ...(await manager().stop(id)) })),
  );

  server.registerTool(
    'shell_settings',
    {
      title: 'Shell settings',
      description: "This server's roots, sandbox, network and rules. They are set where the server is configured (its command line and Patchbay's policy files); no tool changes them.",
      inputSchema: z.object({}),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async () =>
      respond(async () => ({
        roots: [...roots],
        sandbox: options.manager ? 'on' : `unavailable: ${options.unavailable}`,
        network: options.network,
        allow: rules.allow.map(describeRule),
        deny: rules.deny.map(describeRule),
        ...(rules.fatal ? { refusingEverything: rules.fatal } : {}),
        ...(rules.problems.length ? { problems: rules.problems } : {}),
        changedBy: 'the server entry (patchbay server shell --allow/--deny/--root/--network-allow) and permissions in Patchbay\'s config.json; never by a tool',
      })),
  );

  return server;
}

function report(info: ProcessInfo, page: OutputPage): Record<string, unknown> {
  return { ...info, output: page.text, offset: page.offset, next: page.next, more: page.more, dropped: page.dropped };
}

function footer(result: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof result.id === 'string') parts.push(`process ${result.id}`);
  if (result.status === 'running') parts.push('still running');
  else if (result.timedOut) parts.push('killed at the timeout (with everything it started)');
  else if (result.status === 'exited') parts.push(result.signal ? `ended by ${result.signal}` : `exit code ${result.exitCode}`);
  if (typeof result.dropped === 'number' && result.dropped > 0) parts.push(`${result.dropped} earlier characters were dropped`);
  if (result.more) parts.push(`more output: read_output id=${result.id} (offset ${result.next})`);
  return `[${parts.join(' · ')}]`;
}

async function respond(work: () => Promise<Record<string, unknown>>) {
  try {
    const result = await work();
    const text = typeof result.output === 'string' ? `${result.output}${result.output.endsWith('\n') || result.output === '' ? '' : '\n'}${footer(result)}` : JSON.stringify(result, null, 2);
    return { content: [{ type: 'text' as const, text }], structuredContent: result };
  } catch (error) {
    const message = error instanceof InputError || error instanceof ProcessError ? error.message : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    return { content: [{ type: 'text' as const, text: message }], isError: true };
  }
}
