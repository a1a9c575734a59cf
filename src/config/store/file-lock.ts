/**
 * A cross-process lock around read-modify-write of one file, so two `patchbay mcp add` runs (or
 * Patchbay and the dashboard) never lose each other's change. proper-lockfile makes `<file>.lock`
 * with mkdir (atomic on every filesystem, NFS included) and keeps its mtime fresh while held; a
 * holder killed with -9 stops refreshing it, so after `stale` ms the next writer takes it over.
 */
import lockfile from 'proper-lockfile';
import { PatchbayError } from '../../errors.js';
import { fileSystemError } from './file-target.js';

export interface FileLockOptions {
  /** How long to keep trying before giving up with CONFIG_LOCKED. Default: stale + 5 s. */
  waitMs?: number;
  /** A lock not refreshed for this long belongs to a dead process. Default 10 s (min 2 s). */
  staleMs?: number;
}

function numberFromEnv(name: string): number | undefined {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` while holding the lock on `file`. `work` gets `assertHeld`, to call just before it
 * commits: if the lock was taken over meanwhile (this process stalled past `stale`), it throws
 * instead of overwriting another writer's change.
 */
export async function withFileLock<T>(file: string, work: (assertHeld: () => void) => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const staleMs = Math.max(options.staleMs ?? numberFromEnv('PATCHBAY_LOCK_STALE_MS') ?? 10_000, 2_000);
  const waitMs = options.waitMs ?? numberFromEnv('PATCHBAY_LOCK_WAIT_MS') ?? staleMs + 5_000;
  const deadline = Date.now() + waitMs;
  let compromised: Error | undefined;
  let release: (() => Promise<void>) | undefined;
  // Backoff with jitter: 50 processes started at once must not retry in lockstep.
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    try {
      release = await lockfile.lock(file, {
        realpath: false,
        stale: staleMs,
        retries: 0,
        onCompromised: (error) => {
          compromised = error;
        },
      });
      break;
    } catch (error) {
      // Anything but "held by someone else" is the file system refusing: say so plainly.
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw fileSystemError(error, file, 'lock');
      if (Date.now() >= deadline) {
        throw new PatchbayError('CONFIG_LOCKED', `${file} is locked by another process (waited ${waitMs} ms); nothing was changed`, {
          hint: `If no other Patchbay or Claude command is running, remove the stale lock folder ${file}.lock and try again.`,
        });
      }
      await sleep(delay / 2 + Math.random() * delay);
    }
  }
  const assertHeld = () => {
    if (compromised) {
      throw new PatchbayError('CONFIG_LOCKED', `lost the lock on ${file} (${compromised.message}); nothing was changed`, {
        hint: 'Another process may be changing the file at the same time; check it and run the command again.',
      });
    }
  };
  try {
    return await work(assertHeld);
  } finally {
    await release().catch(() => undefined);
  }
}
