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
