/**
 * Who is calling: one named client per host (claude-desktop, cursor, …) or per name a user
 * gives, so policy, approvals, the audit log and the model proxy's usage can tell hosts apart.
 *
 * A client may hold a token (for HTTP: the gateway and the model proxy) or none (a host that
 * launches `patchbay gateway --stdio --client NAME`: that process runs as the user, so a secret
 * in the host's file would prove nothing the user's file permissions do not, and issue 11 keeps
 * literal secrets out of host files). Tokens are 256 random bits, shown once, stored as SHA-256:
 * a fast hash is enough for a secret that cannot be guessed, and the hot path (one lookup per
 * HTTP request) stays a hash and a Map read.
 *
 * Stored in `<config>/clients.json` (0600, locked atomic writes), beside the shared `token`
 * file it extends, rather than in patchbay.db: it is configuration the user edits with the CLI,
 * not a log, and the running hub notices a revocation with one cheap mtime check (a SQLite
 * store's change counter moves with every audit and usage write). `ClientStore` is the seam a
 * team mode replaces.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isJsonObject, readTextIfExists, updateJsonFile } from '../config/store/json-file.js';
import { PatchbayError } from '../errors.js';
import { patchbayPaths } from '../paths.js';

/** The client of the shared token (src/auth/token.ts), of --no-auth and of stdio without --client. */
export const DEFAULT_CLIENT = 'default';
const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export interface ClientRecord {
  name: string;
  /** Whether the client has a token for HTTP (a stdio-only client has none). */
  hasToken: boolean;
  /** ISO time. */
  createdAt: string;
  /** What made it: `connect`, `clients add`. */
  via: string;
  /** ISO time; a revoked client's token is gone and `--client NAME` is refused. */
  revokedAt?: string;
}

interface StoredClient {
  tokenHash?: string;
  createdAt: string;
  via: string;
  revokedAt?: string;
}

/** The hot path's view: a presented credential to a client name. */
export interface ClientResolver {
  /** The active client whose token this is, or undefined. */
  resolve(credential: string): string | undefined;
  /** Whether a client of this name exists and is not revoked (`default` always is). */
  isActive(name: string): boolean;
}

export interface ClientStore {
  list(): Promise<ClientRecord[]>;
  /** Creates the client (or reactivates a revoked one) with a new token, returned once. */
  add(name: string, options?: { via?: string; rotate?: boolean }): Promise<{ record: ClientRecord; token: string; rotated: boolean }>;
  /** Makes sure a client exists and is active, without a token unless it has one (what `connect` does). */
  ensure(name: string, via: string): Promise<ClientRecord>;
  /** Removes the token and marks the client revoked; false when there was no such active client. */
  revoke(name: string): Promise<boolean>;
  /** Synchronous lookups that reload when the file changes (checked at most every `recheckMs`). */
  resolver(options?: { recheckMs?: number }): ClientResolver;
}

export function clientsPath(): string {
  return join(patchbayPaths().config, 'clients.json');
}

/** Whether a name can be a client's (validateClientName says why not). */
export function isClientName(name: string): boolean {
  return NAME.test(name) && name !== DEFAULT_CLIENT;
}

export function validateClientName(name: string): void {
  if (!NAME.test(name)) {
    throw new PatchbayError('USAGE', `"${name}" is not a client name`, { hint: 'Use lowercase letters, digits, ".", "_" and "-", starting with a letter or digit (at most 63 characters), e.g. cursor or ci-bot.' });
  }
  if (name === DEFAULT_CLIENT) {
    throw new PatchbayError('USAGE', '"default" is the client of the shared token (`patchbay token`); it cannot be added or revoked', { hint: 'Pick another name.' });
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function clientsOf(data: Record<string, unknown>): Record<string, StoredClient> {
  const clients = data.clients;
  return isJsonObject(clients) ? (clients as Record<string, StoredClient>) : {};
}

function toRecord(name: string, stored: StoredClient): ClientRecord {
  return { name, hasToken: typeof stored.tokenHash === 'string', createdAt: stored.createdAt, via: stored.via, ...(stored.revokedAt ? { revokedAt: stored.revokedAt } : {}) };
}

export function createFileClientStore(file: string = clientsPath()): ClientStore {
  const update = <T>(mutate: (clients: Record<string, StoredClient>) => { changed: boolean; result: T }) =>
    updateJsonFile(file, (data) => {
      const clients = clientsOf(data);
      const change = mutate(clients);
      data.version = 1;
      data.clients = clients;
      return change;
    }, { createMode: 0o600, backup: false });

  return {
    async list() {
      const text = await readTextIfExists(file);
      if (text === undefined) return [];
      return Object.entries(clientsOf(parseClients(text, file))).map(([name, stored]) => toRecord(name, stored)).sort((a, b) => a.name.localeCompare(b.name));
    },
    async add(name, options = {}) {
      validateClientName(name);
      const token = `pbc_${randomBytes(32).toString('base64url')}`;
      return update((clients) => {
        const existing = clients[name];
        const rotated = existing?.tokenHash !== undefined;
        if (rotated && !options.rotate) {
          throw new PatchbayError('USAGE', `Client "${name}" already has a token`, { hint: `\`patchbay clients add ${name} --rotate\` replaces it (the old one stops working), or pick another name.` });
        }
        const stored: StoredClient = { createdAt: existing && !existing.revokedAt ? existing.createdAt : new Date().toISOString(), via: existing && !existing.revokedAt ? existing.via : (options.via ?? 'clients add'), tokenHash: hashToken(token) };
        clients[name] = stored;
        return { changed: true, result: { record: toRecord(name, stored), token, rotated } };
      });
    },
    async ensure(name, via) {
      validateClientName(name);
      return update((clients) => {
        const existing = clients[name];
        if (existing && !existing.revokedAt) return { changed: false, result: toRecord(name, existing) };
        const stored: StoredClient = { createdAt: new Date().toISOString(), via };
        clients[name] = stored;
        return { changed: true, result: toRecord(name, stored) };
      });
    },
    async revoke(name) {
      validateClientName(name);
      return update((clients) => {
        const existing = clients[name];
        if (!existing || existing.revokedAt) return { changed: false, result: false };
        clients[name] = { createdAt: existing.createdAt, via: existing.via, revokedAt: new Date().toISOString() };
        return { changed: true, result: true };
      });
    },
    resolver(options = {}) {
      return createFileResolver(file, options.recheckMs ?? 250);
    },
  };
}

function parseClients(text: string, file: string): Record<string, unknown> {
  try {
    const data: unknown = JSON.parse(text);
    if (isJsonObject(data)) return data;
  } catch {
    // reported below
  }
  throw new PatchbayError('CONFIG_INVALID', `${file} is not a valid clients file`, { hint: 'Move it aside and add the clients again with `patchbay clients add NAME` (tokens cannot be recovered).' });
}

/**
 * Re-reads the file when its mtime or size changes, at most every `recheckMs`, so a revocation
 * by the CLI reaches a running hub within that time without a stat per request.
 */
function createFileResolver(file: string, recheckMs: number): ClientResolver {
  let byHash = new Map<string, { name: string; hash: Buffer }>();
  let active = new Set<string>();
  let signature = '';
  let checkedAt = -Infinity;

  function refresh(): void {
    const now = performance.now();
    if (now - checkedAt < recheckMs) return;
    checkedAt = now;
    let next: string;
    try {
      const s = statSync(file);
      next = `${s.mtimeMs}:${s.size}:${s.ino}`;
    } catch {
      next = 'missing';
    }
    if (next === signature) return;
    signature = next;
    const hashes = new Map<string, { name: string; hash: Buffer }>();
    const names = new Set<string>();
    if (next !== 'missing') {
      try {
        for (const [name, stored] of Object.entries(clientsOf(parseClients(readFileSync(file, 'utf8'), file)))) {
          if (stored.revokedAt) continue;
          names.add(name);
          if (typeof stored.tokenHash === 'string' && /^[0-9a-f]{64}$/.test(stored.tokenHash)) hashes.set(stored.tokenHash, { name, hash: Buffer.from(stored.tokenHash, 'hex') });
        }
      } catch {
        // A damaged file admits nobody but the shared token; `patchbay clients list` says why.
      }
    }
    byHash = hashes;
    active = names;
  }

  return {
    resolve(credential) {
      refresh();
      if (byHash.size === 0) return undefined;
      const digest = createHash('sha256').update(credential).digest();
      const found = byHash.get(digest.toString('hex'));
      // The Map lookup is keyed by a hash of the secret, so its timing says nothing about the
      // token; the comparison is constant-time all the same.
      return found && timingSafeEqual(found.hash, digest) ? found.name : undefined;
    },
    isActive(name) {
      if (name === DEFAULT_CLIENT) return true;
      refresh();
      return active.has(name);
    },
  };
}

/** For tests and an in-process embedding: clients in memory. */
export function createMemoryClientResolver(clients: Record<string, string>): ClientResolver {
  const byHash = new Map(Object.entries(clients).map(([name, token]) => [hashToken(token), name]));
  return {
    resolve: (credential) => byHash.get(hashToken(credential)),
    isActive: (name) => name === DEFAULT_CLIENT || [...byHash.values()].includes(name),
  };
}
