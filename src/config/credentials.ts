/**
 * Patchbay's own secrets file: OAuth client secrets given to `patchbay mcp add --client-secret`.
 * They never go into a host file (those are often committed, synced or shared); Claude Code keeps
 * them in the OS keychain, we keep them in `<config dir>/credentials.json`, mode 0600, written
 * atomically under a lock. Keyed by server name and URL, so a renamed or re-pointed server does
 * not silently reuse a secret meant for another endpoint.
 */
import { join } from 'node:path';
import { patchbayPaths } from '../paths.js';
import { loadJsonFile } from './sources.js';
import { isJsonObject, updateJsonFile, type JsonObject } from './store/json-file.js';

export function credentialsPath(): string {
  return join(patchbayPaths().config, 'credentials.json');
}

const KEY = 'oauthClientSecrets';

function bucket(data: JsonObject, create: boolean): JsonObject | undefined {
  if (!isJsonObject(data[KEY])) {
    if (!create) return undefined;
    data[KEY] = {};
  }
  return data[KEY] as JsonObject;
}

export async function saveClientSecret(server: string, url: string, secret: string): Promise<string> {
  const file = credentialsPath();
  await updateJsonFile(
    file,
    (data) => {
      const all = bucket(data, true)!;
      const forServer = isJsonObject(all[server]) ? (all[server] as JsonObject) : {};
      forServer[url] = secret;
      all[server] = forServer;
      return { changed: true, result: undefined };
    },
    { createMode: 0o600, dirMode: 0o700, backup: false },
  );
  return file;
}

export async function getClientSecret(server: string, url: string): Promise<string | undefined> {
  const loaded = await loadJsonFile(credentialsPath());
  const forServer = loaded.data && bucket(loaded.data, false)?.[server];
  const value = isJsonObject(forServer) ? forServer[url] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Forgets every secret stored for `server` (after it is removed from every scope). */
export async function deleteClientSecrets(server: string): Promise<boolean> {
  const loaded = await loadJsonFile(credentialsPath());
  if (!loaded.exists) return false;
  return updateJsonFile(
    credentialsPath(),
    (data) => {
      const all = bucket(data, false);
      if (!all || !Object.hasOwn(all, server)) return { changed: false, result: false };
      delete all[server];
      return { changed: true, result: true };
    },
    { backup: false },
  );
}
