/**
 * Where hosts keep their files (claude-code-config-files.md). Everything is resolved from
 * HOME/APPDATA/XDG_CONFIG_HOME at call time, never cached at import, so tests (and users with
 * several homes) can point them elsewhere.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { patchbayPaths } from '../paths.js';

function home(env: NodeJS.ProcessEnv = process.env): string {
  // os.homedir() honours HOME on POSIX and USERPROFILE on Windows, read at each call.
  return env === process.env ? homedir() : (env.HOME ?? env.USERPROFILE ?? homedir());
}

/** `~/.claude.json`: user and local scopes. CLAUDE_CONFIG_DIR moves it, as in Claude Code. */
export function claudeJsonPath(env: NodeJS.ProcessEnv = process.env): string {
  const configDir = env.CLAUDE_CONFIG_DIR;
  return configDir ? join(configDir, '.claude.json') : join(home(env), '.claude.json');
}

/** Patchbay's own scope, `{"mcpServers": {...}}` as in .mcp.json: read by the hub, by no host. */
export function patchbayScopePath(): string {
  return join(patchbayPaths().config, 'mcp.json');
}

export function mcpJsonPath(projectRoot: string): string {
  return join(projectRoot, '.mcp.json');
}

/** Project approvals (enabledMcpjsonServers, ...) live beside the project, private to the user. */
export function projectSettingsLocalPath(projectRoot: string): string {
  return join(projectRoot, '.claude', 'settings.local.json');
}

export function claudeDesktopConfigPath(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const file = 'claude_desktop_config.json';
  if (platform === 'darwin') return join(home(env), 'Library', 'Application Support', 'Claude', file);
  if (platform === 'win32') {
    const appData = env.APPDATA ?? join(home(env), 'AppData', 'Roaming');
    return join(appData, 'Claude', file);
  }
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(home(env), '.config'), 'Claude', file);
}

/**
 * The key of the project in ~/.claude.json: the nearest folder above `cwd` that holds `.git`
 * (a folder, or a file in worktrees and submodules), else `cwd` itself. Claude Code uses the
 * real path, so symlinked checkouts map to one key; we do the same. No `git` subprocess.
 */
export function findProjectRoot(cwd: string = process.cwd()): string {
  return locateProject(cwd).root;
}

/** The project root, and whether it is a git repository's root (else it is just `cwd`). */
export function locateProject(cwd: string = process.cwd()): { root: string; inGit: boolean } {
  let start = resolve(cwd);
  try {
    start = realpathSync(start);
  } catch {
    // A folder that does not exist yet still has a well-defined key.
  }
  for (let dir = start; ; dir = dirname(dir)) {
    if (isGitMarker(join(dir, '.git'))) return { root: dir, inGit: true };
    if (dirname(dir) === dir) return { root: start, inGit: false };
  }
}

function isGitMarker(path: string): boolean {
  if (!existsSync(path)) return false;
  try {
    const stat = statSync(path);
    return stat.isDirectory() || stat.isFile();
  } catch {
    return false;
  }
}
