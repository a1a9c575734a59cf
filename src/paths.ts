/**
 * Where Patchbay keeps its own files (data, logs, config), from env-paths: XDG on Linux,
 * ~/Library on macOS, %APPDATA%/%LOCALAPPDATA% on Windows. XDG_* are read on every call;
 * HOME is read by env-paths once at import, which is early enough for tests because
 * test/setup-home.ts sets it before any module loads.
 * PATCHBAY_HOME overrides everything: one folder with data/, log/ and config/ inside.
 */
import envPaths from 'env-paths';
import { join } from 'node:path';

export interface PatchbayPaths {
  data: string;
  log: string;
  config: string;
}

export function patchbayPaths(): PatchbayPaths {
  const root = process.env.PATCHBAY_HOME;
  if (root) return { data: join(root, 'data'), log: join(root, 'log'), config: join(root, 'config') };
  const paths = envPaths('patchbay', { suffix: '' });
  return { data: paths.data, log: paths.log, config: paths.config };
}

/**
 * Creates a directory of Patchbay's (or one inside it) owner-only, and makes it so if it already
 * existed with looser bits (issue 9: the data folder was 0700 or 0755 depending on which command
 * made it first). The Patchbay roots above it get the same; folders above those (~/.local/share)
 * are not Patchbay's and are left alone.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  const { chmod, mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const target of privateDirsFor(dir)) await chmod(target, 0o700).catch(() => undefined);
}

export function ensurePrivateDirSync(dir: string, fs: { mkdirSync: typeof import('node:fs').mkdirSync; chmodSync: typeof import('node:fs').chmodSync }): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const target of privateDirsFor(dir)) {
    try {
      fs.chmodSync(target, 0o700);
    } catch {
      // Not ours to change (a shared mount): the files inside are still 0600.
    }
  }
}

function privateDirsFor(dir: string): string[] {
  const paths = patchbayPaths();
  const roots = [paths.data, paths.log, paths.config, ...(process.env.PATCHBAY_HOME ? [process.env.PATCHBAY_HOME] : [])];
  const out = new Set<string>([dir]);
  for (const root of roots) {
    if (dir === root || dir.startsWith(root + '/') || dir.startsWith(root + '\\')) {
      out.add(root);
      // Every folder between the root and dir is Patchbay's too.
      for (let d = dir; d.length > root.length; d = d.slice(0, Math.max(d.lastIndexOf('/'), d.lastIndexOf('\\')))) out.add(d);
    }
  }
  return [...out];
}
