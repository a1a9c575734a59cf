/**
 * Where a write really goes, and whether it may: symlinks are followed to their target (also a
 * target that does not exist yet, so a dotfiles link is written through, never replaced by a
 * plain file), a read-only file is refused (a rename would replace it without a word, since
 * replacing needs only the folder's permission), and the file system's refusals become plain
 * errors that name the file, never "internal error".
 */
import { constants } from 'node:fs';
import { access, lstat, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { PatchbayError } from '../../errors.js';

const MAX_LINKS = 40;

/** The file a write to `file` must change: the end of its symlink chain, existing or not. */
export async function resolveWriteTarget(file: string): Promise<string> {
  let current = resolve(file);
  for (let hops = 0; hops < MAX_LINKS; hops++) {
    let isLink: boolean;
    try {
      isLink = (await lstat(current)).isSymbolicLink();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw fileSystemError(error, file, 'read');
      // The end of the chain does not exist yet (a dangling link, or a new file): write it there.
      // (ENOTDIR: a file stands where a folder should be; creating the folder will say so.)
      return resolve(await realpathOrSelf(dirname(current)), basename(current));
    }
    if (!isLink) return realpathOrSelf(current);
    current = resolve(dirname(current), await readlink(current));
  }
  throw new PatchbayError('CONFIG_UNWRITABLE', `${file}: too many levels of symbolic links; nothing was changed`, { hint: `Check where ${file} points (ls -l).` });
}

async function realpathOrSelf(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return path;
  }
}

/**
 * Refuses to change a read-only file. The mode bits decide (no write bit for anyone means the
 * user froze it on purpose, which root must respect too), then access() for everything else.
 */
export async function assertWritable(target: string, file: string, mode: number): Promise<void> {
  let writable = (mode & 0o222) !== 0;
  if (writable) {
    try {
      await access(target, constants.W_OK);
    } catch {
      writable = false;
    }
  }
  if (!writable) {
    const where = target === file ? file : `${file} (→ ${target})`;
    throw new PatchbayError('CONFIG_READONLY', `${where} is read-only; nothing was changed`, {
      hint: `Make it writable (chmod u+w ${target}) and run the command again, or change it by hand.`,
    });
  }
}

/** An fs error during a write, as a message a user can act on. */
export function fileSystemError(error: unknown, file: string, action: 'read' | 'write' | 'lock'): PatchbayError {
  if (error instanceof PatchbayError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
  const folder = dirname(file);
  const reason: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    ENOTDIR: 'a part of the path is not a folder',
    EEXIST: 'a part of the path is a file, not a folder',
    EISDIR: 'it is a folder, not a file',
    ELOOP: 'too many levels of symbolic links',
  };
  const why = reason[code] ?? (error as Error).message;
  const what =
    action === 'lock'
      ? `cannot change ${file}: could not create its lock ${file}.lock in ${folder} (${why})`
      : action === 'write'
        ? `cannot write ${file} (${why})`
        : `cannot read ${file} (${why})`;
  return new PatchbayError('CONFIG_UNWRITABLE', `${what}; nothing was changed`, {
    cause: error,
    hint: action === 'read' ? `Check the permissions of ${file}.` : `Check that you may write to ${folder} (ls -ld ${folder}).`,
  });
}
