/**
 * Replace a file so that a reader (or a crash) sees either the old or the new content, never a
 * mix: write a temp file in the same directory (rename is only atomic within one filesystem),
 * fsync it, give it the old file's mode, rename it over the target, then fsync the directory so
 * the rename itself survives a power cut.
 */
import { randomBytes } from 'node:crypto';
import { chmod, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** File mode for the result (e.g. the mode of the file being replaced, or 0o600 for secrets). */
  mode?: number;
}

/** Hidden, and recognisable as ours: `.claude.json.patchbay-<pid>-<random>.tmp`. */
function tempPrefix(file: string): string {
  const base = basename(file);
  return `${base.startsWith('.') ? '' : '.'}${base}.patchbay-`;
}

export async function writeFileAtomic(file: string, data: string, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(file);
  const temp = join(dir, `${tempPrefix(file)}${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', options.mode ?? 0o666);
  try {
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    // open()'s mode is filtered by the umask; chmod sets exactly the mode the old file had.
    if (options.mode !== undefined) await chmod(temp, options.mode);
    await pauseForCrashTests(temp);
    await renameWithRetry(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

/**
 * On Windows a rename over a file that another process (an editor, an antivirus scanner, Claude
 * Desktop) has open fails with EPERM/EBUSY for a moment; retry briefly, as graceful-fs does.
 */
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (process.platform !== 'win32' || attempt >= 20 || !['EPERM', 'EACCES', 'EBUSY'].includes(code ?? '')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * (attempt + 1)));
    }
  }
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not every platform can fsync a directory (Windows cannot); the rename is still atomic.
  }
}

/**
 * Test hook: with PATCHBAY_TEST_PAUSE_BEFORE_RENAME_MS set, stop after the temp file is
 * written and synced, so a test can kill -9 the process at the worst moment. With
 * PATCHBAY_TEST_PAUSE_FILE (a file name) too, only a write of that file stops: one command may
 * write several (`mcp add` writes config.json's sandbox setting, then the host file).
 */
async function pauseForCrashTests(temp: string): Promise<void> {
  const ms = Number(process.env.PATCHBAY_TEST_PAUSE_BEFORE_RENAME_MS);
  if (!Number.isFinite(ms) || ms <= 0) return;
  const only = process.env.PATCHBAY_TEST_PAUSE_FILE;
  if (only && !basename(temp).startsWith(tempPrefix(only))) return;
  process.stderr.write(`patchbay-test: paused before rename of ${temp}\n`);
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Temp files left by a writer that was killed before its rename. Call only while holding the
 * file's lock: then no live writer of this file can own one of them.
 */
export async function removeLeftoverTempFiles(file: string): Promise<void> {
  const dir = dirname(file);
  const prefix = tempPrefix(file);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  await Promise.all(
    names.filter((n) => n.startsWith(prefix) && n.endsWith('.tmp')).map((n) => unlink(join(dir, n)).catch(() => undefined)),
  );
}
