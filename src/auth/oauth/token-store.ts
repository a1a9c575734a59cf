/**
 * Where OAuth tokens live: the seam (`OAuthTokenStore`) every part of the login code uses, so a
 * team mode can put a server-side vault behind it later. The real implementation keeps each
 * server's record as one value of a secret store with the secret store's protection (the OS
 * keychain, else AES-256-GCM in an owner-only file written atomically under a lock,
 * src/secrets/store/), in its own file `<config>/oauth-tokens.json` so `patchbay secrets list`
 * stays the user's own secrets. `withLock` is the cross-process lock a refresh or a login runs
 * under: the caller re-reads the record inside it, so only one process ever spends a refresh
 * token (providers that rotate them revoke the whole family on reuse).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { withFileLock } from '../../config/store/file-lock.js';
import { ensurePrivateDir, patchbayPaths } from '../../paths.js';
import { openSecretStore } from '../../secrets/store/open-store.js';
import type { SecretStore } from '../../secrets/store/secret-store.js';

export type TokenEndpointAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post';

export interface OAuthClientIdentity {
  clientId: string;
  clientSecret?: string;
  authMethod: TokenEndpointAuthMethod;
  /** How it was obtained: given by the user, a client ID metadata document URL, or dynamic registration. */
  source: 'pre-registered' | 'metadata-document' | 'dynamic';
  /** Dynamic registration: the redirect URIs it was registered with. */
  redirectUris?: string[];
}

/** One server's login. Tokens are bound to the server URL, the resource and the issuer that issued them. */
export interface OAuthTokenRecord {
  version: 1;
  /** The MCP server URL the login was made for: a record never serves another URL. */
  serverUrl: string;
  /** The RFC 8707 resource the tokens are for. */
  resource: string;
  /** The authorization server's issuer identifier (RFC 8414); refreshes go only to its token endpoint. */
  issuer: string;
  tokenEndpoint: string;
  client: OAuthClientIdentity;
  accessToken: string;
  tokenType: string;
  refreshToken?: string;
  /** Absolute expiry (ms since the epoch), computed when the token response arrived. */
  expiresAt?: number;
  scope?: string;
  obtainedAt: number;
}

export interface OAuthTokenStore {
  read(server: string): Promise<OAuthTokenRecord | undefined>;
  write(server: string, record: OAuthTokenRecord): Promise<void>;
  delete(server: string): Promise<boolean>;
  /** Runs `work` holding the cross-process lock for this server's login (refresh, login, logout). */
  withLock<T>(server: string, work: () => Promise<T>, options?: { waitMs?: number }): Promise<T>;
}

/** The secret name of a server's record: readable when the name allows it, a hash otherwise. */
export function tokenSecretName(server: string): string {
  const plain = `oauth.${server}`;
  if (/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/.test(plain)) return plain;
  return `oauth.${createHash('sha256').update(server).digest('hex').slice(0, 32)}`;
}

function parseRecord(text: string | undefined): OAuthTokenRecord | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<OAuthTokenRecord>;
    if (value?.version !== 1 || typeof value.accessToken !== 'string' || typeof value.serverUrl !== 'string') return undefined;
    return value as OAuthTokenRecord;
  } catch {
    return undefined;
  }
}

export function createSecretTokenStore(secrets: SecretStore, lockDir: string): OAuthTokenStore {
  return {
    read: async (server) => parseRecord(await secrets.get(tokenSecretName(server))),
    write: async (server, record) => void (await secrets.set(tokenSecretName(server), JSON.stringify(record))),
    delete: (server) => secrets.delete(tokenSecretName(server)),
    async withLock(server, work, options = {}) {
      await ensurePrivateDir(lockDir);
      return withFileLock(join(lockDir, tokenSecretName(server)), () => work(), options);
    },
  };
}

/** The token store of this machine: `<config>/oauth-tokens.json` with the secret store's key and backend. */
export async function openTokenStore(env: NodeJS.ProcessEnv = process.env): Promise<OAuthTokenStore> {
  const dir = patchbayPaths().config;
  const secrets = await openSecretStore({ env, paths: { file: join(dir, 'oauth-tokens.json'), keyFile: join(dir, 'secrets.key') } });
  return createSecretTokenStore(secrets, join(dir, 'oauth-locks'));
}

/** For tests of the pieces above the store: records in memory, a process-local lock. */
export function createMemoryTokenStore(): OAuthTokenStore {
  const records = new Map<string, string>();
  const chains = new Map<string, Promise<unknown>>();
  return {
    read: async (server) => parseRecord(records.get(server)),
    write: async (server, record) => void records.set(server, JSON.stringify(record)),
    delete: async (server) => records.delete(server),
    withLock<T>(server: string, work: () => Promise<T>) {
      const next = (chains.get(server) ?? Promise.resolve()).then(work, work);
      chains.set(server, next.catch(() => undefined));
      return next;
    },
  };
}

