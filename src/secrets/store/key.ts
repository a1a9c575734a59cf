/**
 * The key of the encrypted secret file: `PATCHBAY_SECRET_KEY` (32 bytes, base64 or hex, for CI
 * and machines where a key file on disk is not wanted), else a key file beside the store,
 * created once with 32 random bytes, owner-only (0600), and never rewritten: losing or replacing
 * it makes every stored value unreadable, so creation cannot race (link(2) fails if it exists).
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PatchbayError } from '../../errors.js';
import { ensurePrivateDir } from '../../paths.js';
import { KEY_BYTES } from './cipher.js';

export interface StoreKey {
  key: Buffer;
  /** Where it came from, for messages: `PATCHBAY_SECRET_KEY` or the key file's path. */
  source: string;
}

export const KEY_ENV = 'PATCHBAY_SECRET_KEY';

function decodeKey(text: string): Buffer | undefined {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const key = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === KEY_BYTES) return key;
  }
  return undefined;
}

/** The key from PATCHBAY_SECRET_KEY, undefined when unset; a malformed one is an error (never echoed). */
export function keyFromEnv(env: NodeJS.ProcessEnv): StoreKey | undefined {
  const text = env[KEY_ENV];
  if (text === undefined || text === '') return undefined;
  const key = decodeKey(text);
  if (!key) {
    throw new PatchbayError('SECRET_KEY', `${KEY_ENV} is not a 32-byte key (expected 44 characters of base64 or 64 hex digits)`, {
      hint: 'Generate one with: openssl rand -base64 32',
    });
  }
  return { key, source: KEY_ENV };
}

export async function readKeyFile(file: string): Promise<StoreKey | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PatchbayError('SECRET_KEY', `cannot read the secret key file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
      hint: 'Check its permissions: it must be readable by you (and only you, mode 0600).',
    });
  }
  const key = decodeKey(text);
  if (!key) {
    throw new PatchbayError('SECRET_KEY', `the secret key file ${file} does not hold a 32-byte key`, {
      hint: 'Restore the file from a backup; without its key the stored secrets cannot be decrypted.',
    });
  }
  return { key, source: file };
}

/** Reads the key file, creating it when it does not exist (the first writer wins; others read its key). */
export async function readOrCreateKeyFile(file: string): Promise<StoreKey> {
  const existing = await readKeyFile(file);
  if (existing) return existing;
  await ensurePrivateDir(dirname(file));
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(temp, 0o600);
  try {
    await link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  const created = await readKeyFile(file);
  if (!created) throw new PatchbayError('SECRET_KEY', `the secret key file ${file} could not be created`);
  return created;
}
