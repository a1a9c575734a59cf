/**
 * The filesystem a sandboxed server sees, as an ordered list of mounts (later ones cover earlier
 * ones): everything read-only, the writable paths bound writable, and then every protected path
 * put back out of reach — credentials and Patchbay's own files hidden (an empty read-only tmpfs,
 * or /dev/null over a file), host configs, `.git/hooks`, `.git/config`, `.mcp.json`, `.claude/`
 * and shell profiles bound read-only over themselves even inside a writable directory.
 *
 * Two attacks shape the order. A server that renames a directory holding a protected mount
 * (`mv .git .git2`, then a fresh `.git/hooks`) escapes the mount, so every directory between a
 * writable root and a protected path is bound onto itself first ("pinned"): a mount point cannot
 * be renamed or removed (EBUSY). And a protected name that is a symlink inside a writable
 * directory could be replaced by the server, so that refuses to start rather than pretend.
 *
 * A protected name that does not exist cannot be mounted over without leaving an empty file in
 * the user's directory, so it is not reserved — except `.claude/` at the top of the project
 * and `hooks/` in an existing `.git/`, which are created (empty, as Claude Code and
 * git create them), because those two are how a server would get code run outside the sandbox.
 */
import { lstatSync, mkdirSync, readdirSync, realpathSync, type Stats } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { PatchbayError } from '../errors.js';
import { PROTECTED_IN_ANY_DIRECTORY, reasonInAnyDirectory, type ProtectedPath } from './protected-paths.js';

export type Mount =
  | { kind: 'bind'; path: string }
  | { kind: 'ro-bind'; path: string }
  | { kind: 'tmpfs'; path: string }
  | { kind: 'hide-file'; path: string }
  | { kind: 'remount-ro'; path: string };

export interface MountPlanInput {
  /** Real, absolute writable paths (resolveSandboxPolicy). */
  write: readonly string[];
  /** The always-protected paths (protectedPaths()). */
  protect: readonly ProtectedPath[];
  /** Bound writable after the protections (the server's own cache, inside Patchbay's hidden data dir). */
  late?: readonly string[];
  /** The project directory, where an absent `.claude/` is created so that it can be protected. */
  projectDir?: string;
  /** How deep to look for `.git`, `.mcp.json` and `.claude` inside writable directories. Default 3. */
  scanDepth?: number;
}

export interface MountPlan {
  mounts: Mount[];
  /** Directories created on the host so that they could be protected (`.claude`, `.git/hooks`). */
  created: string[];
}

/** Directories skipped by the scan: dependency trees, large and never a project's own settings. */
const SCAN_SKIP = new Set(['node_modules', '.venv', 'venv', '__pycache__', '.cache', 'dist', 'build', 'target']);
/** At most this many directories are read per writable path, so a huge tree cannot stall a start. */
const SCAN_BUDGET = 2_000;

export function planMounts(input: MountPlanInput): MountPlan {
  const write = [...input.write].sort(byDepth);
  const created: string[] = [];
  const candidates: ProtectedPath[] = [...input.protect];
  for (const root of write) candidates.push(...scanWritable(root, input.scanDepth ?? 3, root === input.projectDir, created));

  const targets = new Map<string, { stats: Stats; hidden: boolean }>();
  for (const candidate of candidates) {
    const target = resolveProtected(candidate, write);
    if (!target) continue;
    const known = targets.get(target.path);
    targets.set(target.path, { stats: target.stats, hidden: candidate.hidden || (known?.hidden ?? false) });
  }
  const hiddenDirs = [...targets].filter(([, t]) => t.hidden && t.stats.isDirectory()).map(([path]) => path);
  const pins = new Set<string>();
  const protections: Mount[][] = [];
  for (const [path, { stats, hidden }] of targets) {
    // Inside a hidden directory: already gone, and binding it would bring it back.
    if (hiddenDirs.some((dir) => dir !== path && isUnder(path, dir))) continue;
    const roots = write.filter((w) => isUnder(path, w));
    // Outside every writable path a read-only name is read-only already; a hidden one is not.
    if (roots.length === 0 && !hidden) continue;
    for (const root of roots) for (const dir of between(root, path)) pins.add(dir);
    protections.push(protectionMounts(path, stats, hidden));
  }

  const mounts: Mount[] = write.map((path) => ({ kind: 'bind', path }));
  for (const dir of [...pins].sort(byDepth)) mounts.push({ kind: 'bind', path: dir });
  protections.sort((a, b) => byDepth(a[0]!.path, b[0]!.path));
  for (const group of protections) mounts.push(...group.filter((m) => m.kind !== 'remount-ro'));
  for (const path of input.late ?? []) mounts.push({ kind: 'bind', path });
  // Last: a late bind inside a hidden directory needs its mount point made while that is writable.
  for (const group of protections) mounts.push(...group.filter((m) => m.kind === 'remount-ro'));
  return { mounts, created };
}

function protectionMounts(path: string, stats: Stats, hidden: boolean): Mount[] {
  if (!hidden) return [{ kind: 'ro-bind', path }];
  if (stats.isDirectory()) return [{ kind: 'tmpfs', path }, { kind: 'remount-ro', path }];
  return [{ kind: 'hide-file', path }];
}

/**
 * Where to mount for a protected path: its real location (a symlinked ~/.ssh is hidden where it
 * points), or nothing when it does not exist. A symlink inside a writable path is refused.
 */
function resolveProtected(candidate: ProtectedPath, write: readonly string[]): { path: string; stats: Stats } | undefined {
  let link: Stats;
  try {
    link = lstatSync(candidate.path);
  } catch {
    return undefined;
  }
  if (link.isSymbolicLink()) {
    const root = write.find((w) => isUnder(candidate.path, w) && candidate.path !== w);
    if (root) {
      throw new PatchbayError('SANDBOX_INVALID', `${candidate.path} is a symlink inside the writable path ${root}: the server could replace it, so the sandbox cannot protect it`, {
        hint: `Replace the symlink with the file or folder it points to, or remove ${root} from "write".`,
      });
    }
    try {
      const real = realpathSync(candidate.path);
      return { path: real, stats: lstatSync(real) };
    } catch {
      return undefined; // a dangling link: nothing to read through it
    }
  }
  return { path: candidate.path, stats: link };
}

/** `.git/hooks`, `.git/config`, `.mcp.json` and `.claude` inside a writable directory, a few levels deep. */
function scanWritable(root: string, depth: number, isProject: boolean, created: string[]): ProtectedPath[] {
  const found: ProtectedPath[] = [];
  const names = new Set(PROTECTED_IN_ANY_DIRECTORY.map((p) => p.split(sep)[0]!));
  let budget = SCAN_BUDGET;
  const visit = (dir: string, level: number) => {
    if (budget-- <= 0) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (names.has(entry.name)) {
        if (entry.name === '.git' && entry.isDirectory()) {
          ensureDir(join(path, 'hooks'), created);
          for (const name of PROTECTED_IN_ANY_DIRECTORY.filter((p) => p.startsWith(`.git${sep}`))) {
            found.push({ path: join(dir, name), reason: reasonInAnyDirectory(name), hidden: false });
          }
        } else if (entry.name !== '.git') {
          found.push({ path, reason: reasonInAnyDirectory(entry.name), hidden: false });
        }
        continue;
      }
      if (level < depth && entry.isDirectory() && !SCAN_SKIP.has(entry.name)) visit(path, level + 1);
    }
  };
  let isDir = false;
  try {
    isDir = lstatSync(root).isDirectory();
  } catch {
    // resolveSandboxPolicy checked it exists; a race leaves nothing to scan
  }
  if (!isDir) return found;
  // The one name a server could otherwise create to get its own servers approved and hooks run.
  if (isProject) ensureDir(join(root, '.claude'), created);
  visit(root, 1);
  return found;
}

function ensureDir(path: string, created: string[]): void {
  try {
    lstatSync(path);
  } catch {
    try {
      mkdirSync(path, { mode: 0o755 });
      created.push(path);
    } catch {
      // read-only or gone: then the server cannot create it either
    }
  }
}

/** Directories strictly between `root` and `path`. */
function between(root: string, path: string): string[] {
  const dirs: string[] = [];
  for (let dir = dirname(path); dir !== root && isUnder(dir, root) && dir !== dirname(dir); dir = dirname(dir)) dirs.push(dir);
  return dirs;
}

export function isUnder(path: string, dir: string): boolean {
  if (dir === sep) return true;
  return path === dir || path.startsWith(dir + sep);
}

function byDepth(a: string, b: string): number {
  return a.split(sep).length - b.split(sep).length || a.localeCompare(b);
}
