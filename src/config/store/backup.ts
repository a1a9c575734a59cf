/**
 * One backup of each host file before Patchbay first changes it, the way Claude Code backs up
 * ~/.claude.json once: if a bug (ours or a host's) ever mangles the file, the user's original
 * is still there. Backups may hold secrets, so they are private (0600).
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, copyFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ensurePrivateDir, patchbayPaths } from '../../paths.js';

export function backupDir(): string {
  return join(patchbayPaths().data, 'backups');
}

/** `<basename>-<hash of the absolute path>`: every project has a `.mcp.json`. */
export function backupName(file: string): string {
  const hash = createHash('sha256').update(file).digest('hex').slice(0, 8);
  return `${basename(file)}-${hash}`;
}

/** Copies `file` into the backup folder unless a backup of it exists. Returns the backup path. */
export async function backupOnce(file: string): Promise<string | undefined> {
  const dir = backupDir();
  const name = backupName(file);
  await ensurePrivateDir(dir);
  const existing = (await readdir(dir)).find((n) => n.startsWith(`${name}.backup.`));
  if (existing) return undefined;
  const target = join(dir, `${name}.backup.${Date.now()}`);
  try {
    await copyFile(file, target, constants.COPYFILE_EXCL);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  await chmod(target, 0o600);
  return target;
}
