/**
 * `"apiKey": "file:PATH"`: the key is the trimmed contents of a file, read once with the config.
 * `~` is the home directory and a relative path starts at the config file's directory. Like ssh
 * with a private key, a file that other users can read (or write) is refused on POSIX: a key that
 * anyone on the machine can read is not a secret.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { PatchbayError } from '../../errors.js';

export interface KeyFileOptions {
  /** The text after `file:`. */
  path: string;
  /** The config file, for messages and relative paths. */
  configFile: string;
  configDir: string;
  /** The config field, for messages: `proxy.providers[0].apiKey`. */
  field: string;
}

export function keyFilePath(path: string, configDir: string): string {
  const trimmed = path.trim();
  if (trimmed === '~') return homedir();
  if (trimmed.startsWith('~/') || trimmed.startsWith('~\\')) return join(homedir(), trimmed.slice(2));
  return isAbsolute(trimmed) ? trimmed : resolve(configDir, trimmed);
}

export function readKeyFile(options: KeyFileOptions): { key: string; path: string } {
  const path = keyFilePath(options.path, options.configDir);
  const fail = (problem: string, hint: string, cause?: unknown): PatchbayError =>
    new PatchbayError('CONFIG_INVALID', `${options.configFile}: ${options.field}: key file ${path} ${problem}`, { hint, cause });
  if (options.path.trim() === '') throw fail('is not named', 'Write "file:" followed by a path, e.g. "file:~/.config/patchbay/openai.key".');
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw code === 'ENOENT'
      ? fail('does not exist', `Create it with only the key inside (and chmod 600), or fix the path; a relative path starts at ${options.configDir}.`, error)
      : fail(`cannot be read (${code ?? (error as Error).message})`, 'Check the path and its permissions.', error);
  }
  if (!stats.isFile()) throw fail('is not a file', 'Point "file:" at the file that holds the key.');
  if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0) {
    const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
    throw fail(`is open to other users (permissions ${mode})`, `Make it private, as ssh requires for keys: chmod 600 '${path.replace(/'/g, `'\\''`)}'`);
  }
  let key: string;
  try {
    key = readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw fail(`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, 'Check that Patchbay runs as the user who owns the file.', error);
  }
  if (key === '') throw fail('is empty', 'Put the key in the file, alone on one line.');
  return { key, path };
}
