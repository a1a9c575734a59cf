/**
 * Which SecretStore a command gets: the encrypted file in Patchbay's config folder, or the OS
 * keychain with the file as its index. Chosen by PATCHBAY_SECRET_BACKEND (`file`, `keychain`,
 * `auto`), else config.json's `"secrets": {"backend": …}`, else `auto` on macOS and Windows and
 * `file` elsewhere. `auto` uses the keychain when it answers. PATCHBAY_SECRET_KEY means `file`.
 */
import { join } from 'node:path';
import { PatchbayError } from '../../errors.js';
import { patchbayPaths } from '../../paths.js';
import { readPatchbayConfigSection } from '../../config/patchbay-config.js';
import { createFileSecretStore } from './file-store.js';
import { KEY_ENV } from './key.js';
import { keychainAnswers, openKeychain, type Keychain } from './keychain.js';
import type { SecretStore } from './secret-store.js';

export function secretStorePaths(): { file: string; keyFile: string } {
  const dir = patchbayPaths().config;
  return { file: join(dir, 'secrets.json'), keyFile: join(dir, 'secrets.key') };
}

type Choice = 'file' | 'keychain' | 'auto';

async function choice(env: NodeJS.ProcessEnv): Promise<Choice> {
  const fromEnv = env.PATCHBAY_SECRET_BACKEND;
  const fromConfig = fromEnv ? undefined : ((await readPatchbayConfigSection('secrets').catch(() => undefined)) as { backend?: unknown } | undefined)?.backend;
  const value = fromEnv ?? fromConfig;
  if (value === undefined || value === '') {
    if (env[KEY_ENV]) return 'file';
    return process.platform === 'darwin' || process.platform === 'win32' ? 'auto' : 'file';
  }
  if (value === 'file' || value === 'keychain' || value === 'auto') return value;
  throw new PatchbayError('CONFIG_INVALID', `${fromEnv ? 'PATCHBAY_SECRET_BACKEND' : 'config.json: secrets.backend'} is "${String(value)}"; expected file, keychain or auto`);
}

/** `paths`: another file with the same protection (OAuth tokens keep their own file, src/auth/oauth/). */
export async function openSecretStore(options: { env?: NodeJS.ProcessEnv; paths?: { file: string; keyFile: string } } = {}): Promise<SecretStore> {
  const env = options.env ?? process.env;
  const paths = options.paths ?? secretStorePaths();
  const wanted = await choice(env);
  let keychain: Keychain | undefined;
  if (wanted !== 'file') {
    keychain = await openKeychain();
    if (keychain && wanted === 'auto' && !(await keychainAnswers(keychain))) keychain = undefined;
    if (!keychain && wanted === 'keychain') {
      throw new PatchbayError('SECRET_STORE', 'the OS keychain is not available here (@napi-rs/keyring did not load)', {
        hint: 'Use the encrypted file instead: PATCHBAY_SECRET_BACKEND=file.',
      });
    }
  }
  return createFileSecretStore({ ...paths, env, keychain });
}
