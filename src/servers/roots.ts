/**
 * The directories a built-in server may touch (`--root DIR`, default the working directory).
 * A path is inside a root when its real path (symlinks resolved) is the root's real path or
 * below it: `../`, absolute paths elsewhere and symlinks pointing out are all refused the same.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

export class OutsideRootsError extends Error {
  override readonly name = 'OutsideRootsError';
}

export interface Roots {
  readonly dirs: readonly string[];
  /** The real path of `path` (relative paths against the first root), or OutsideRootsError. */
  resolve(path: string, what?: string): string;
}

export function createRoots(dirs: readonly string[]): Roots {
  const real = dirs.map((d) => realpathSync(resolve(d)));
  return {
    dirs: real,
    resolve(path, what = 'path') {
      const absolute = isAbsolute(path) ? path : resolve(real[0]!, path);
      let target: string;
      try {
        target = realpathSync(absolute);
      } catch {
        throw new OutsideRootsError(`${what} "${path}" does not exist`);
      }
      const inside = real.some((root) => {
        const rel = relative(root, target);
        return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
      });
      if (!inside) throw new OutsideRootsError(`${what} "${path}" is outside the server's roots (${real.join(', ')}); start the server with --root for that directory`);
      return target;
    },
  };
}
