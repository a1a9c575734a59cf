/**
 * The hub's one call into the sandbox: for a stdio entry whose `patchbay.sandbox` asks for it,
 * the command to spawn instead of the entry's own, and what to close once the process is gone.
 * Each server keeps a writable directory of its own between starts, `<data>/sandbox/<name>/`
 * (npm's cache and XDG_CACHE_HOME), so `npx` does not download again on every start and one
 * server cannot plant a package in another's cache. Patchbay's data directory itself stays hidden.
 */
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { StdioEntry } from '../config/types.js';
import { PatchbayError } from '../errors.js';
import { patchbayPaths } from '../paths.js';
import { createSandbox, type WrappedCommand } from './launcher.js';
import { sandboxSettingsOf } from './options.js';
import { resolveSandboxPolicy } from './policy.js';
import { protectedPaths } from './protected-paths.js';

export interface ServerSandboxInput {
  name: string;
  entry: StdioEntry;
  /** The server's working directory: the project (the hub's cwd). */
  cwd?: string;
  /** The server's complete environment (env policy + the entry's env). */
  env: Record<string, string>;
  /** The hub's environment: PATH to find bwrap, HOME for the protected paths. Default process.env. */
  hostEnv?: NodeJS.ProcessEnv;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}

export interface ServerSandbox extends WrappedCommand {
  close(): Promise<void>;
}

export function serverStateDir(name: string): string {
  return join(patchbayPaths().data, 'sandbox', name.replace(/[^A-Za-z0-9._-]/g, '_'));
}

/** undefined when the entry is not sandboxed; throws SANDBOX_UNAVAILABLE / SANDBOX_INVALID / ENOENT. */
export async function sandboxServerCommand(input: ServerSandboxInput): Promise<ServerSandbox | undefined> {
  const settings = sandboxSettingsOf(input.entry);
  if (!settings) return undefined;
  const hostEnv = input.hostEnv ?? process.env;
  const cwd = input.cwd ?? process.cwd();
  let projectDir: string;
  try {
    projectDir = realpathSync(cwd);
  } catch {
    throw new PatchbayError('SANDBOX_INVALID', `the working directory ${cwd} of server "${input.name}" does not exist, so there is no project to make writable`, { hint: 'Start Patchbay from the project directory.' });
  }
  const protect = protectedPaths(hostEnv);
  const policy = resolveSandboxPolicy(settings, { projectDir, home: hostEnv.HOME, protect, where: `server "${input.name}"` });
  const sandbox = await createSandbox({ policy, hostEnv, projectDir, protect, stateDir: serverStateDir(input.name), log: input.log });
  try {
    const wrapped = sandbox.wrap({ command: input.entry.command, args: input.entry.args ?? [], cwd, env: input.env });
    input.log?.('info', `sandbox: ${sandbox.backend}, writable ${policy.write.join(', ') || 'nothing'}, network ${policy.network.kind === 'none' ? 'none' : policy.network.rules.map((r) => r.pattern).join(', ')}`);
    return { ...wrapped, close: () => sandbox.close() };
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}
