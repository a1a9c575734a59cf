/**
 * A fresh home and project for one CLI test: its own ~/.claude.json, XDG dirs and Patchbay data
 * dir, all inside the temporary HOME that test/setup-home.ts made, and a project folder to run
 * the CLI in. Each test gets its own, so tests never see each other's files.
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { runCli, type CliOptions, type CliResult } from '../helpers/cli.js';

// Each CLI test spawns several Node processes; on a shared, loaded 2-core machine that can take
// far longer than the 30 s default. Correctness is asserted, never speed.
vi.setConfig({ testTimeout: 120_000 });

export const TINY_SERVER = fileURLToPath(new URL('./fixtures/tiny-server.mjs', import.meta.url));

export interface Sandbox {
  home: string;
  project: string;
  env: NodeJS.ProcessEnv;
  claudeJson: string;
  mcpJson: string;
  settingsLocal: string;
  desktopConfig: string;
  backups: string;
  credentials: string;
  run(args: string[], options?: CliOptions): Promise<CliResult>;
  read(file: string): unknown;
  write(file: string, data: unknown): void;
}

export function createSandbox(): Sandbox {
  const home = realpathSync(mkdtempSync(join(process.env.HOME!, 'sandbox-')));
  const project = join(home, 'work', 'project');
  mkdirSync(project, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    HOME: home,
    USERPROFILE: home,
    APPDATA: join(home, 'AppData', 'Roaming'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    XDG_CACHE_HOME: join(home, '.cache'),
    MCP_TIMEOUT: '',
    MCP_CLIENT_SECRET: '',
  };
  return {
    home,
    project,
    env,
    claudeJson: join(home, '.claude.json'),
    mcpJson: join(project, '.mcp.json'),
    settingsLocal: join(project, '.claude', 'settings.local.json'),
    desktopConfig: join(home, '.config', 'Claude', 'claude_desktop_config.json'),
    backups: join(home, '.local', 'share', 'patchbay', 'backups'),
    credentials: join(home, '.config', 'patchbay', 'credentials.json'),
    // A generous kill timeout: the machine is shared and often loaded; no assertion is about speed.
    run: (args, options = {}) => runCli(['mcp', ...args], { cwd: project, timeoutMs: 60_000, ...options, env: { ...env, ...options.env } }),
    read: (file) => JSON.parse(readFileSync(file, 'utf8')),
    write: (file, data) => {
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data, null, 2));
    },
  };
}
