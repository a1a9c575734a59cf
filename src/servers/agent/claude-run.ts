/**
 * How `claude_code` runs Claude Code: `claude -p PROMPT --output-format stream-json --verbose`
 * with `--mcp-config` naming only Patchbay's gateway (with the agent's client token, so the
 * gateway's policy and audit see everything the child does) and `--strict-mcp-config` (no other
 * MCP server from the user's files), `--allowedTools` when given, never
 * `--dangerously-skip-permissions` or a bypassing permission mode. Its model traffic goes to
 * Patchbay's proxy (ANTHROPIC_BASE_URL, ANTHROPIC_AUTH_TOKEN; provider keys removed from its
 * environment). It runs in its own process group, which a timeout kills whole.
 */
import { spawn } from 'node:child_process';
import { killProcessGroup } from '../../process-group.js';
import { DEFAULT_KEY_VARIABLES } from '../../proxy/server/client-env.js';
import { findProgram } from '../../sandbox/support.js';

export interface ClaudeRunOptions {
  prompt: string;
  cwd: string;
  allowedTools?: string[];
  model?: string;
  gateway: { url: string; token: string };
  proxy: { url: string; token: string };
  /** The claude executable (default: `claude` on PATH). */
  command?: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onEvent?: (event: Record<string, unknown>) => void;
}

export const INSTALL_HINT = 'Claude Code is not installed: install it with `npm install -g @anthropic-ai/claude-code` (or see https://docs.anthropic.com/en/docs/claude-code), then make sure `claude` is on PATH.';

export function claudeArguments(options: Pick<ClaudeRunOptions, 'prompt' | 'allowedTools' | 'model' | 'gateway'>): string[] {
  const mcpConfig = { mcpServers: { patchbay: { type: 'http', url: options.gateway.url, headers: { Authorization: `Bearer ${options.gateway.token}` } } } };
  return [
    '-p', options.prompt,
    '--output-format', 'stream-json', '--verbose',
    '--mcp-config', JSON.stringify(mcpConfig), '--strict-mcp-config',
    ...(options.allowedTools?.length ? ['--allowedTools', options.allowedTools.join(',')] : []),
    ...(options.model ? ['--model', options.model] : []),
  ];
}

export function claudeEnvironment(options: Pick<ClaudeRunOptions, 'proxy' | 'env'>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  for (const name of DEFAULT_KEY_VARIABLES) delete env[name];
  env.ANTHROPIC_BASE_URL = options.proxy.url;
  env.ANTHROPIC_AUTH_TOKEN = options.proxy.token;
  return env;
}

/** The executable's path, or undefined when it is not installed. */
export function findClaude(command = 'claude', env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findProgram(command, env.PATH);
}

export interface ClaudeRunResult { exitCode: number | null; timedOut: boolean; result: string | null; events: number; stderr: string }

export function runClaude(options: ClaudeRunOptions): Promise<ClaudeRunResult> {
  const env = claudeEnvironment(options);
  const executable = findClaude(options.command, env);
  if (!executable) return Promise.reject(new Error(INSTALL_HINT));
  return new Promise((resolve, reject) => {
    const child = spawn(executable, claudeArguments(options), { cwd: options.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let timedOut = false;
    let result: string | null = null;
    let events = 0;
    let pending = '';
    let stderr = '';
    const timer = setTimeout(() => { timedOut = true; killProcessGroup(child); }, options.timeoutMs);
    const abort = () => killProcessGroup(child);
    options.signal?.addEventListener('abort', abort, { once: true });
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (!line) continue;
        try {
          const event = JSON.parse(line) as Record<string, unknown>;
          events++;
          if (event.type === 'result' && typeof event.result === 'string') result = event.result;
          options.onEvent?.(event);
        } catch { /* a non-JSON line: ignored */ }
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (c: string) => { if (stderr.length < 8192) stderr += c; });
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('close', (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', abort);
      resolve({ exitCode: code, timedOut, result, events, stderr });
    });
  });
}
