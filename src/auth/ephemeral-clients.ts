/**
 * Client credentials that live only as long as the running hub: what `patchbay up` gives a
 * child its in-process agent server starts (Claude Code), so the child is named at the gateway
 * and the proxy without a token in any file or entry. They extend the file store's resolver
 * (client-store.ts) and are checked the same way: by SHA-256, in a Map.
 */
import { createHash } from 'node:crypto';
import { randomChannelToken } from '../proxy/channel/index.js';
import type { ClientResolver } from './client-store.js';

export interface EphemeralClients extends ClientResolver {
  /** The credential naming `client` while this process runs (the same one on every call). */
  issue(client: string): string;
}

export function withEphemeralClients(inner: ClientResolver): EphemeralClients {
  const byHash = new Map<string, string>();
  const issued = new Map<string, string>();
  const hash = (credential: string) => createHash('sha256').update(credential).digest('hex');
  return {
    resolve: (credential) => byHash.get(hash(credential)) ?? inner.resolve(credential),
    isActive: (name) => issued.has(name) || inner.isActive(name),
    issue(client) {
      let token = issued.get(client);
      if (!token) {
        token = randomChannelToken();
        issued.set(client, token);
        byHash.set(hash(token), client);
      }
      return token;
    },
  };
}
