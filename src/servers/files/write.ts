/**
 * Writing through the guard, atomically: the new content goes to a temporary file created
 * (O_EXCL, O_NOFOLLOW) beside the target and re-checked on its descriptor, then renamed over the
 * target. rename(2) replaces a symlink at the target instead of writing through it, so a file
 * swapped for a link after the check cannot redirect the write.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PathRefused, type PathGuard } from './path-guard.js';

/** Creates missing parent directories one by one, each checked, so none is made outside a root. */
export async function ensureParents(guard: PathGuard, path: string): Promise<void> {
  const missing: string[] = [];
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const stat = await fs.lstat(dir).catch(() => undefined);
    if (stat) {
      if (!stat.isDirectory()) throw new PathRefused(`${dir} is not a directory`);
      break;
    }
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing) {
    await guard.check(dir, 'write');
    await fs.mkdir(dir).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
  }
}

export async function writeAtomic(guard: PathGuard, path: string, data: string | Buffer): Promise<{ created: boolean }> {
  await ensureParents(guard, path);
  const existing = await fs.lstat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new PathRefused(`${path} is a directory`);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await guard.openChecked(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, existing ? existing.mode & 0o777 : 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    // The directory was re-checked through the temp file's descriptor; the target is in it.
    await guard.check(path, 'write');
    await fs.rename(temp, path);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  return { created: !existing };
}
