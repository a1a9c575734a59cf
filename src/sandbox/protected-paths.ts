/**
 * Paths no MCP server gets, whatever its entry or roots say: the sandbox mounts nothing over
 * them writable (and hides the credential stores entirely), and the built-in files server refuses
 * them even inside a root. One list, so the two can never disagree (STYLE.md, habit 10).
 *
 * Why each is here: credentials (ssh, cloud CLIs, gpg, netrc, git credentials), the files that
 * decide which MCP servers run and with what (host configs, Patchbay's own config, secrets and
 * data; in a project `.mcp.json` and `.claude/`, whose settings.local.json approves project
 * servers and whose settings hold hooks), code that runs later without asking (git hooks and
 * config, shell profiles).
 */
import { homedir } from 'node:os';
import { join, sep } from 'node:path';
import { claudeDesktopConfigPath, claudeJsonPath } from '../config/locations.js';
import { patchbayPaths } from '../paths.js';

export type ProtectedReason = 'credentials' | 'host-config' | 'patchbay' | 'runs-code';

export interface ProtectedPath {
  /** Absolute path; a directory protects everything under it. */
  path: string;
  reason: ProtectedReason;
  /**
   * Credentials are hidden (not even readable); the others are read-only (a server may need to
   * read .git/config to work, never to change it).
   */
  hidden: boolean;
}

const CREDENTIALS = ['.ssh', '.aws', '.azure', join('.config', 'gcloud'), '.gnupg', '.kube', join('.docker', 'config.json'), '.netrc', '.git-credentials', join('.config', 'gh', 'hosts.yml')];
const PROFILES = ['.bashrc', '.bash_profile', '.bash_login', '.bash_logout', '.profile', '.zshrc', '.zprofile', '.zshenv', '.zlogin', join('.config', 'fish', 'config.fish')];
const HOST_FILES = ['.claude', '.cursor', join('.config', 'Code', 'User', 'mcp.json'), join('.codeium', 'windsurf', 'mcp_config.json')];
/**
 * Inside any directory (a project, a root): git runs hooks and config without asking; Claude
 * Code reads `.mcp.json` for servers and `.claude/` for hooks and the approvals of those servers.
 */
export const PROTECTED_IN_ANY_DIRECTORY = [join('.git', 'hooks'), join('.git', 'config'), '.mcp.json', '.claude'];
const IN_ANY_DIRECTORY_PARTS = PROTECTED_IN_ANY_DIRECTORY.map((p) => p.split(sep));

/** Why a name is in PROTECTED_IN_ANY_DIRECTORY. */
export function reasonInAnyDirectory(name: string): ProtectedReason {
  return name.startsWith('.git') ? 'runs-code' : 'host-config';
}

/** Every protected path under this home, resolved now (HOME and XDG are read at call time). */
export function protectedPaths(env: NodeJS.ProcessEnv = process.env): ProtectedPath[] {
  const home = env.HOME ?? homedir();
  const own = patchbayPaths();
  const list: ProtectedPath[] = [
    ...CREDENTIALS.map((p) => ({ path: join(home, p), reason: 'credentials' as const, hidden: true })),
    ...PROFILES.map((p) => ({ path: join(home, p), reason: 'runs-code' as const, hidden: false })),
    ...HOST_FILES.map((p) => ({ path: join(home, p), reason: 'host-config' as const, hidden: false })),
    { path: claudeJsonPath(env), reason: 'host-config', hidden: false },
    { path: claudeDesktopConfigPath(process.platform, env), reason: 'host-config', hidden: false },
    // Patchbay's config holds the secret store and its key; data holds the audit log and tokens.
    { path: own.config, reason: 'patchbay', hidden: true },
    { path: own.data, reason: 'patchbay', hidden: true },
    { path: own.log, reason: 'patchbay', hidden: false },
  ];
  return list;
}

function inside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/**
 * The protection that covers an absolute, already resolved (realpath) path, if any. Names in
 * PROTECTED_IN_ANY_DIRECTORY (`.git/hooks`, `.mcp.json`, ...) are protected wherever they are.
 */
export function protectionOf(path: string, list: readonly ProtectedPath[] = protectedPaths()): ProtectedPath | undefined {
  for (const p of list) if (inside(path, p.path)) return p;
  const parts = path.split(sep);
  for (let i = 0; i < parts.length; i++) {
    for (const name of IN_ANY_DIRECTORY_PARTS) {
      if (name.every((part, k) => parts[i + k] === part)) {
        return { path: parts.slice(0, i + name.length).join(sep), reason: reasonInAnyDirectory(name.join(sep)), hidden: false };
      }
    }
  }
  return undefined;
}

export function describeProtection(p: ProtectedPath): string {
  switch (p.reason) {
    case 'credentials':
      return `${p.path} holds credentials and is never available to MCP servers`;
    case 'host-config':
      return `${p.path} decides which MCP servers run and is never writable by one`;
    case 'patchbay':
      return `${p.path} is Patchbay's own (config, secrets, audit) and never available to MCP servers`;
    case 'runs-code':
      return `${p.path} runs code later without asking and is never writable by an MCP server`;
  }
}
