/**
 * The secret store on disk: `<config>/secrets.json`, owner-only (0600), written atomically under
 * a cross-process lock like every file Patchbay writes (src/config/store/). The file holds each
 * secret's metadata and, for the file backend, its value sealed with AES-256-GCM (cipher.ts)
 * under the key of key.ts; for the keychain backend (keychain.ts) only a pointer, the value
 * living in the OS keychain. A `check` value sealed with the same key tells "wrong key" apart
 * from a damaged entry, even in a store with no secrets yet.
 *
 *   { "version": 1, "cipher": "aes-256-gcm", "check": {iv, tag, data},
 *     "secrets": { "GITHUB_TOKEN": { "backend": "file", "setAt": "…", "updatedAt": "…", "iv": …, "tag": …, "data": … } } }
 */
import { chmod } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PatchbayError } from '../../errors.js';
import { ensurePrivateDir } from '../../paths.js';
import { removeLeftoverTempFiles, writeFileAtomic } from '../../config/store/atomic-write.js';
import { withFileLock } from '../../config/store/file-lock.js';
import { readTextIfExists } from '../../config/store/json-file.js';
import { isSealed, open, seal, type Sealed } from './cipher.js';
import { keyFromEnv, KEY_ENV, readKeyFile, readOrCreateKeyFile, type StoreKey } from './key.js';
import type { Keychain } from './keychain.js';
import { isValidSecretName, SECRET_NAME_RULE, type SecretBackend, type SecretMeta, type SecretStore } from './secret-store.js';

interface StoredEntry extends Partial<Sealed> {
  backend: SecretBackend;
  setAt: string;
  updatedAt: string;
}

interface StoreFile {
  version: 1;
  cipher: 'aes-256-gcm';
  check?: Sealed;
  secrets: Record<string, StoredEntry>;
}

const CHECK_TEXT = 'patchbay-secret-store';
const CHECK_AAD = '\u0000check';

export interface FileSecretStoreOptions {
  /** `<config>/secrets.json`. */
  file: string;
  /** `<config>/secrets.key`, used when PATCHBAY_SECRET_KEY is not set. */
  keyFile: string;
  env?: NodeJS.ProcessEnv;
  /** New values go to this keychain instead of the file (existing ones stay where they are). */
  keychain?: Keychain;
  now?: () => Date;
}

function invalidName(name: string): PatchbayError {
  return new PatchbayError('USAGE', `"${name}" is not a valid secret name: ${SECRET_NAME_RULE}`, { hint: 'For example: patchbay secrets set GITHUB_TOKEN' });
}

export function createFileSecretStore(options: FileSecretStoreOptions): SecretStore {
  const { file, keyFile, keychain } = options;
  const env = options.env ?? process.env;
  const now = options.now ?? (() => new Date());
  const description = keychain
    ? `the ${keychain.description} (index in ${file})`
    : `the encrypted file ${file} (key ${env[KEY_ENV] ? `from ${KEY_ENV}` : `in ${keyFile}`})`;

  async function read(): Promise<StoreFile> {
    let text: string | undefined;
    try {
      text = await readTextIfExists(file);
    } catch (error) {
      throw new PatchbayError('SECRET_STORE', `cannot read the secret store ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
        hint: 'Check its permissions: it must be readable by you (mode 0600).',
      });
    }
    if (text === undefined || text.trim() === '') return { version: 1, cipher: 'aes-256-gcm', secrets: {} };
    let data: Partial<StoreFile>;
    try {
      data = JSON.parse(text) as Partial<StoreFile>;
    } catch {
      throw new PatchbayError('SECRET_STORE', `the secret store ${file} is not valid JSON`, { hint: 'Restore it from a backup, or move it aside to start an empty store.' });
    }
    if (data.version !== 1 || typeof data.secrets !== 'object' || data.secrets === null) {
      throw new PatchbayError('SECRET_STORE', `the secret store ${file} is not a version 1 Patchbay secret store`, { hint: 'Upgrade Patchbay, or move the file aside.' });
    }
    return data as StoreFile;
  }

  /** The key, checked against the file's `check` value. `create`: make the key file when none exists yet. */
  async function keyFor(data: StoreFile, create: boolean): Promise<StoreKey> {
    let key = keyFromEnv(env) ?? (await readKeyFile(keyFile));
    if (!key) {
      if (data.check) {
        throw new PatchbayError('SECRET_KEY', `the key of the secret store ${file} is missing (${keyFile} does not exist and ${KEY_ENV} is not set)`, {
          hint: `Restore ${keyFile} from a backup or set ${KEY_ENV} to the key; without it the stored secrets cannot be decrypted.`,
        });
      }
      if (!create) throw new PatchbayError('SECRET_KEY', `no secret store key yet (${keyFile})`);
      key = await readOrCreateKeyFile(keyFile);
    }
    if (data.check && open(key.key, data.check, CHECK_AAD) !== CHECK_TEXT) {
      throw new PatchbayError('SECRET_KEY', `the secret store ${file} cannot be decrypted with the key from ${key.source}: wrong key`, {
        hint: key.source === KEY_ENV ? `Unset ${KEY_ENV} to use ${keyFile}, or set it to the key the store was created with.` : `Set ${KEY_ENV} to the key the store was created with, or restore ${keyFile}.`,
      });
    }
    return key;
  }

  async function valueOf(name: string, entry: StoredEntry, data: StoreFile): Promise<string> {
    if (entry.backend === 'keychain') {
      if (!keychain) {
        throw new PatchbayError('SECRET_STORE', `secret "${name}" is kept in the OS keychain, which is not in use now`, {
          hint: 'Set PATCHBAY_SECRET_BACKEND=keychain (or "secrets": {"backend": "keychain"} in config.json), or set the secret again.',
        });
      }
      const value = await keychain.get(name);
      if (value === undefined) throw new PatchbayError('SECRET_STORE', `secret "${name}" is missing from the ${keychain.description}`, { hint: `Set it again: patchbay secrets set ${name}` });
      return value;
    }
    const key = await keyFor(data, false);
    const value = isSealed(entry) ? open(key.key, entry, name) : undefined;
    if (value === undefined) {
      throw new PatchbayError('SECRET_STORE', `secret "${name}" in ${file} cannot be decrypted (the entry was altered or copied from another name)`, {
        hint: `Set it again: patchbay secrets set ${name}`,
      });
    }
    return value;
  }

  /** A locked read-modify-write of the file; the file and its folder stay owner-only. */
  async function update<T>(change: (data: StoreFile) => Promise<{ changed: boolean; result: T }>): Promise<T> {
    await ensurePrivateDir(dirname(file));
    return withFileLock(file, async (assertHeld) => {
      await removeLeftoverTempFiles(file);
      const data = await read();
      const { changed, result } = await change(data);
      if (changed) {
        assertHeld();
        await writeFileAtomic(file, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
        await chmod(file, 0o600);
      }
      return result;
    });
  }

  return {
    description,
    async list() {
      const data = await read();
      return Object.entries(data.secrets)
        .map(([name, e]): SecretMeta => ({ name, backend: e.backend, setAt: e.setAt, updatedAt: e.updatedAt }))
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    async get(name) {
      const data = await read();
      const entry = Object.hasOwn(data.secrets, name) ? data.secrets[name] : undefined;
      return entry ? valueOf(name, entry, data) : undefined;
    },
    async set(name, value) {
      if (!isValidSecretName(name)) throw invalidName(name);
      if (value === '') throw new PatchbayError('USAGE', `the value of secret "${name}" is empty; nothing was stored`);
      return update(async (data) => {
        const existing = Object.hasOwn(data.secrets, name) ? data.secrets[name] : undefined;
        const time = now().toISOString();
        const base = { setAt: existing?.setAt ?? time, updatedAt: time };
        if (keychain) {
          await keychain.set(name, value);
          data.secrets[name] = { backend: 'keychain', ...base };
        } else {
          const key = await keyFor(data, true);
          data.check ??= seal(key.key, CHECK_TEXT, CHECK_AAD);
          data.secrets[name] = { backend: 'file', ...base, ...seal(key.key, value, name) };
        }
        return { changed: true, result: { created: existing === undefined } };
      });
    },
    async delete(name) {
      return update(async (data) => {
        const existing = Object.hasOwn(data.secrets, name) ? data.secrets[name] : undefined;
        if (!existing) return { changed: false, result: false };
        if (existing.backend === 'keychain') await keychain?.delete(name);
        delete data.secrets[name];
        return { changed: true, result: true };
      });
    },
    async values() {
      const data = await read();
      const out = new Map<string, string>();
      for (const [name, entry] of Object.entries(data.secrets)) out.set(name, await valueOf(name, entry, data));
      return out;
    },
  };
}
