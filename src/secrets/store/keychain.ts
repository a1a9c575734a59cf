/**
 * The OS keychain (macOS Keychain, Windows Credential Manager, the Secret Service on Linux
 * desktops) through @napi-rs/keyring, an optional dependency. Values live there under the
 * service "patchbay" and the secret's name; the store file keeps only the name and times.
 *
 * Headless Linux (servers, CI, containers) has no Secret Service, so the keychain is used only
 * when asked for (PATCHBAY_SECRET_BACKEND=keychain, or "secrets": {"backend": "keychain"} in
 * config.json) or, on macOS and Windows, when `auto` finds that it answers. Tests pin the file
 * backend (test/setup-home.ts), so no test ever touches a real keychain.
 */
import { PatchbayError } from '../../errors.js';

export interface Keychain {
  readonly description: string;
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

export const KEYCHAIN_SERVICE = 'patchbay';

interface KeyringEntry {
  getPassword(): string | null | undefined;
  setPassword(value: string): void;
  deletePassword(): boolean;
}
type KeyringModule = { Entry: new (service: string, account: string) => KeyringEntry };

async function loadKeyring(): Promise<KeyringModule | undefined> {
  try {
    return (await import('@napi-rs/keyring')) as unknown as KeyringModule;
  } catch {
    return undefined;
  }
}

function failure(action: string, name: string, error: unknown): PatchbayError {
  return new PatchbayError('SECRET_STORE', `the OS keychain could not ${action} secret "${name}" (${error instanceof Error ? error.message : String(error)})`, {
    hint: 'Unlock the keychain, or use the encrypted file: PATCHBAY_SECRET_BACKEND=file.',
  });
}

/** The keychain, or undefined when @napi-rs/keyring cannot load on this platform. */
export async function openKeychain(service = KEYCHAIN_SERVICE): Promise<Keychain | undefined> {
  const keyring = await loadKeyring();
  if (!keyring) return undefined;
  const entry = (name: string) => new keyring.Entry(service, name);
  return {
    description: `OS keychain (service "${service}")`,
    async get(name) {
      try {
        return entry(name).getPassword() ?? undefined;
      } catch (error) {
        throw failure('read', name, error);
      }
    },
    async set(name, value) {
      try {
        entry(name).setPassword(value);
      } catch (error) {
        throw failure('store', name, error);
      }
    },
    async delete(name) {
      try {
        entry(name).deletePassword();
      } catch {
        // Already gone: the index entry is what `rm` removes.
      }
    },
  };
}

/** Whether the keychain answers at all: a lookup of an entry that does not exist must not throw. */
export async function keychainAnswers(keychain: Keychain): Promise<boolean> {
  try {
    await keychain.get('__patchbay_probe__');
    return true;
  } catch {
    return false;
  }
}
