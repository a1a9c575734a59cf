/**
 * The core of `patchbay secrets set|list|get|rm`: the CLI, the dashboard's API and MCP tools
 * call these. Values pass through only where the caller asked for one (`get --show`); every
 * other answer has names, times, backends and where each secret is used.
 */
import { loadRegistry } from '../config/registry.js';
import { readPatchbayConfigSection } from '../config/patchbay-config.js';
import { PatchbayError } from '../errors.js';
import { referencedSecrets } from './references.js';
import { openSecretStore } from './store/open-store.js';
import type { SecretMeta, SecretStore } from './store/secret-store.js';

export interface SecretUse {
  /** `server github (user scope, ~/.claude.json)` or `proxy provider openai (config.json)`. */
  label: string;
  file: string;
}

export interface SecretListing extends SecretMeta {
  usedBy: SecretUse[];
}

export interface ManageOptions {
  store?: SecretStore;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

async function storeOf(options: ManageOptions): Promise<SecretStore> {
  return options.store ?? openSecretStore({ env: options.env });
}

/** Where each secret name is referenced: server entries of every scope this project sees, and the proxy's provider keys. */
export async function secretUses(options: ManageOptions = {}): Promise<Map<string, SecretUse[]>> {
  const uses = new Map<string, SecretUse[]>();
  const add = (name: string, use: SecretUse) => uses.set(name, [...(uses.get(name) ?? []), use]);
  const registry = await loadRegistry({ cwd: options.cwd, includeClaudeDesktop: true });
  for (const server of registry.servers) {
    for (const name of new Set(referencedSecrets(server.entry))) add(name, { label: `server ${server.name} (${server.scope})`, file: server.file });
  }
  const proxy = (await readPatchbayConfigSection('proxy').catch(() => undefined)) as { providers?: { name?: unknown; apiKey?: unknown }[] } | undefined;
  for (const provider of Array.isArray(proxy?.providers) ? proxy.providers : []) {
    const name = typeof provider?.apiKey === 'string' ? /^\$\{secret:([^}]+)\}$/.exec(provider.apiKey)?.[1] : undefined;
    if (name) add(name, { label: `proxy provider ${String(provider.name ?? '?')}`, file: 'config.json' });
  }
  return uses;
}

export async function listSecrets(options: ManageOptions = {}): Promise<SecretListing[]> {
  const store = await storeOf(options);
  const [metas, uses] = await Promise.all([store.list(), secretUses(options)]);
  return metas.map((meta) => ({ ...meta, usedBy: uses.get(meta.name) ?? [] }));
}

export async function setSecret(name: string, value: string, options: ManageOptions = {}): Promise<{ created: boolean; where: string }> {
  const store = await storeOf(options);
  const { created } = await store.set(name, value);
  return { created, where: store.description };
}

/** Removes a secret; returns the entries that still refer to it (they will fail to start). */
export async function removeSecret(name: string, options: ManageOptions = {}): Promise<{ stillUsedBy: SecretUse[] }> {
  const store = await storeOf(options);
  if (!(await store.delete(name))) {
    const known = (await store.list()).map((m) => m.name);
    throw new PatchbayError('SECRET_MISSING', `there is no secret "${name}" in the secret store`, {
      hint: known.length > 0 ? `Stored secrets: ${known.join(', ')}` : 'The store is empty; add one with patchbay secrets set NAME.',
    });
  }
  return { stillUsedBy: (await secretUses(options)).get(name) ?? [] };
}

/** The value itself: only for `get NAME --show`, which a person asked for. */
export async function revealSecret(name: string, options: ManageOptions = {}): Promise<string> {
  const store = await storeOf(options);
  const value = await store.get(name);
  if (value === undefined) {
    throw new PatchbayError('SECRET_MISSING', `there is no secret "${name}" in the secret store`, { hint: `Store it: patchbay secrets set ${name}` });
  }
  return value;
}

/** Metadata of one secret, without its value. */
export async function describeSecret(name: string, options: ManageOptions = {}): Promise<SecretListing> {
  const found = (await listSecrets(options)).find((s) => s.name === name);
  if (!found) throw new PatchbayError('SECRET_MISSING', `there is no secret "${name}" in the secret store`, { hint: `Store it: patchbay secrets set ${name}` });
  return found;
}
