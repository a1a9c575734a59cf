/**
 * Whether git tracks a file (a literal secret in a committed `.mcp.json` is already public to
 * everyone with the repository). Asks `git ls-files`; where git is not installed, reads the
 * index itself (format versions 2 and 3: https://git-scm.com/docs/index-format).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { findProjectRoot } from '../../config/locations.js';

export async function isTrackedByGit(file: string): Promise<boolean> {
  const root = findProjectRoot(join(file, '..'));
  const rel = relative(root, file).split(sep).join('/');
  if (rel.startsWith('..')) return false;
  const viaGit = await new Promise<boolean | undefined>((resolve) => {
    execFile('git', ['ls-files', '--error-unmatch', '--', rel], { cwd: root, timeout: 5_000, windowsHide: true }, (error) => {
      if (!error) resolve(true);
      else resolve((error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : false);
    });
  });
  return viaGit ?? (await indexHasPath(root, rel));
}

/** Paths in `.git/index` (v2/v3), without git. */
export async function indexHasPath(root: string, rel: string): Promise<boolean> {
  let index: Buffer;
  try {
    index = await readFile(join(root, '.git', 'index'));
  } catch {
    return false;
  }
  if (index.toString('latin1', 0, 4) !== 'DIRC') return false;
  const version = index.readUInt32BE(4);
  if (version !== 2 && version !== 3) return false;
  const count = index.readUInt32BE(8);
  let at = 12;
  for (let i = 0; i < count && at < index.length; i++) {
    const flags = index.readUInt16BE(at + 60);
    const extended = version === 3 && (flags & 0x4000) !== 0;
    const nameStart = at + 62 + (extended ? 2 : 0);
    const nameEnd = index.indexOf(0, nameStart);
    if (nameEnd === -1) return false;
    if (index.toString('utf8', nameStart, nameEnd) === rel) return true;
    // Entries are padded with NULs to a multiple of 8 bytes.
    const length = nameEnd - at;
    at += Math.ceil((length + 1) / 8) * 8;
  }
  return false;
}
