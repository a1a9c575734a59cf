/**
 * Where the files server may look: every path a tool receives goes through `check` before it is
 * used, and every open goes through `openChecked`, which checks again on the opened descriptor.
 *
 * The escapes this closes, each seen in the wild (CVE-2025-53109/53110 in the reference server):
 * `..` and percent-encoded `%2e%2e%2f`, `~`, Windows separators, a sibling whose name starts
 * with the root's (`root-evil` next to `root`: the root must match up to a separator), a symlink
 * inside a root that leads out (realpath of the nearest existing ancestor), and a path that
 * becomes a symlink between check and use (O_NOFOLLOW on the last part, and the descriptor's own
 * path, read back from the kernel, must still be inside a root). The sandbox's always-denied
 * list (src/sandbox/protected-paths.ts) holds even inside a root.
 */
import { constants, promises as fs, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeProtection, protectedPaths, protectionOf, type ProtectedPath } from '../../sandbox/protected-paths.js';

export type Access = 'read' | 'write';

/** A refusal the model sees as a tool error; says what and why, never a stack trace. */
export class PathRefused extends Error {
  override readonly name = 'PathRefused';
}

export interface PathGuard {
  /** Current roots (realpaths). */
  roots(): readonly string[];
  setRoots(dirs: readonly string[]): Promise<void>;
  /** The absolute, resolved path for `input`, or PathRefused. */
  check(input: string, access: Access): Promise<string>;
  /** Whether an already resolved path (from a walk) may be shown. */
  visible(resolved: string): boolean;
  /** Opens a checked path without following a final symlink and re-checks the descriptor. */
  openChecked(resolved: string, flags: number, mode?: number): Promise<fs.FileHandle>;
}

export interface PathGuardOptions {
  home?: string;
  protectedList?: readonly ProtectedPath[];
}

/** Percent-decoding, `file://`, `~`, Windows separators and `..`: one absolute path. */
export function normalisePath(input: string, base: string, home: string): string {
  let text = input.trim();
  if (text === '') throw new PathRefused('an empty path');
  if (text.includes('\0')) throw new PathRefused('a path with a NUL byte');
  if (/^file:/i.test(text)) {
    try {
      text = fileURLToPath(text);
    } catch {
      throw new PathRefused(`"${input}" is not a local file URL`);
    }
  }
  // Decode until stable so %252e%252e does not survive one round as %2e%2e.
  for (let i = 0; i < 3 && /%[0-9a-f]{2}/i.test(text); i++) {
    try {
      text = decodeURIComponent(text);
    } catch {
      throw new PathRefused(`"${input}" has a broken percent-encoding`);
    }
  }
  if (text.includes('\0')) throw new PathRefused('a path with a NUL byte');
  if (sep === '/') text = text.replace(/\\/g, '/');
  if (text === '~' || text.startsWith('~/')) text = join(home, text.slice(1));
  return isAbsolute(text) ? resolve(text) : resolve(base, text);
}

export function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/** realpath of the nearest existing ancestor, with the rest appended. */
async function resolveExisting(path: string): Promise<string> {
  const tail: string[] = [];
  let current = path;
  for (;;) {
    try {
      const real = await fs.realpath(current);
      return tail.length ? join(real, ...tail.reverse()) : real;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new PathRefused(`cannot resolve ${current}: ${code}`);
      const parent = dirname(current);
      if (parent === current) return path;
      tail.push(basename(current));
      current = parent;
    }
  }
}

/** The kernel's name for an open descriptor (Linux /proc, else undefined). */
async function descriptorPath(handle: fs.FileHandle): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    return await fs.readlink(`/proc/self/fd/${handle.fd}`);
  } catch {
    return undefined;
  }
}

export function createPathGuard(initialRoots: readonly string[], options: PathGuardOptions = {}): PathGuard & { ready: Promise<void> } {
  const home = options.home ?? process.env.HOME ?? homedir();
  const denied = options.protectedList ?? protectedPaths();
  let roots: string[] = [];

  const inRoot = (p: string) => roots.some((r) => isInside(p, r));
  const deny = (p: string, access: Access): string | undefined => {
    const hit = protectionOf(p, denied);
    if (hit && (hit.hidden || access === 'write')) return describeProtection(hit);
    return undefined;
  };
  const verify = (p: string, access: Access, input: string) => {
    if (roots.length === 0) throw new PathRefused('no roots are set: start the server with --root DIR, or let the client offer roots');
    if (!inRoot(p)) throw new PathRefused(`"${input}" resolves to ${p}, outside the roots (${roots.join(', ')})`);
    const why = deny(p, access);
    if (why) throw new PathRefused(why);
  };

  const guard: PathGuard = {
    roots: () => roots,
    async setRoots(dirs) {
      const next: string[] = [];
      for (const d of dirs) {
        try {
          const real = await fs.realpath(normalisePath(d, process.cwd(), home));
          if ((await fs.stat(real)).isDirectory() && !next.includes(real)) next.push(real);
        } catch {
          process.stderr.write(`patchbay server files: root ${d} does not exist; ignored\n`);
        }
      }
      roots = next;
    },
    async check(input, access) {
      if (roots.length === 0) verify('', access, input);
      const absolute = normalisePath(input, roots[0]!, home);
      const real = await resolveExisting(absolute);
      verify(real, access, input);
      return real;
    },
    visible(resolved) {
      return inRoot(resolved) && !deny(resolved, 'read');
    },
    async openChecked(resolved, flags, mode) {
      const handle = await fs.open(resolved, flags | constants.O_NOFOLLOW, mode).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ELOOP') throw new PathRefused(`${resolved} became a symbolic link after it was checked; refused`);
        throw error;
      });
      try {
        const access: Access = flags & (constants.O_WRONLY | constants.O_RDWR) ? 'write' : 'read';
        const actual = (await descriptorPath(handle)) ?? (await sameFile(handle, resolved));
        if (actual !== resolved) {
          if (!inRoot(actual) || deny(actual, access)) throw new PathRefused(`${resolved} now leads to ${actual}, outside the roots; refused`);
        }
        return handle;
      } catch (error) {
        await handle.close();
        throw error;
      }
    },
  };
  const ready = guard.setRoots(initialRoots);
  return Object.assign(guard, { ready });
}

/** Without /proc: the opened file must be the file now at the path's realpath. */
async function sameFile(handle: fs.FileHandle, path: string): Promise<string> {
  const real = await fs.realpath(path);
  const [a, b]: [Stats, Stats] = [await handle.stat(), await fs.stat(real)];
  if (a.dev !== b.dev || a.ino !== b.ino) throw new PathRefused(`${path} changed while it was opened; refused`);
  return real;
}
