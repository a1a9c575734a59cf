/**
 * The catalog's entries: the snapshot shipped in the package (catalog/servers.json, from the
 * reference data: the guide's servers, the reference servers, widely used npm, PyPI, OCI and
 * hosted ones), replaced by `patchbay catalog update [--registry URL]` with a copy in Patchbay's
 * data folder. Origins of what `catalog add` installed (`<data>/catalog/installed.json`) are
 * what `catalog outdated` compares.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchbayError } from '../errors.js';
import { ensurePrivateDir, patchbayPaths } from '../paths.js';
import { writeFileAtomic } from '../config/store/atomic-write.js';
import { withFileLock } from '../config/store/file-lock.js';
import { isJsonObject, updateJsonFile } from '../config/store/json-file.js';
import { normalizeServerJson, validateServerJson, type ServerJson } from './server-json.js';

export const OFFICIAL_REGISTRY = 'https://registry.modelcontextprotocol.io';
const SHIPPED = new URL('../../catalog/servers.json', import.meta.url);

export interface Catalog {
  servers: ServerJson[];
  /** "the snapshot shipped with Patchbay" or the registry URL and date of the last update. */
  source: string;
  registry: string;
}

const dir = () => join(patchbayPaths().data, 'catalog');
const localFile = () => join(dir(), 'servers.json');
export const installedFile = () => join(dir(), 'installed.json');

export async function loadCatalog(): Promise<Catalog> {
  let text: string | undefined;
  try {
    text = await readFile(localFile(), 'utf8');
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    try {
      const data = JSON.parse(text) as { registry: string; updatedAt: string; servers: unknown[] };
      return { servers: data.servers.map(normalizeServerJson), source: `${data.registry} (updated ${data.updatedAt})`, registry: data.registry };
    } catch {
      throw new PatchbayError('CONFIG_SYNTAX', `the catalog copy ${localFile()} is damaged`, { hint: 'Run patchbay catalog update, or delete the file to use the shipped snapshot.' });
    }
  }
  const shipped = JSON.parse(await readFile(SHIPPED, 'utf8')) as unknown[];
  return { servers: shipped.map(normalizeServerJson), source: 'the snapshot shipped with Patchbay', registry: OFFICIAL_REGISTRY };
}

/** Entries whose name, title or description contains every word of `text`. */
export function searchCatalog(catalog: Catalog, text: string): ServerJson[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  return catalog.servers.filter((s) => {
    const hay = `${s.name} ${s.title ?? ''} ${s.description ?? ''}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** By full registry name, else by the part after the last `/` when that is unique. */
export function findEntry(catalog: Catalog, name: string): ServerJson {
  const exact = catalog.servers.find((s) => s.name === name);
  if (exact) return exact;
  const short = catalog.servers.filter((s) => s.name.split('/').pop()!.toLowerCase() === name.toLowerCase());
  if (short.length === 1) return short[0]!;
  if (short.length > 1) throw new PatchbayError('USAGE', `"${name}" matches several entries: ${short.map((s) => s.name).join(', ')}`, { hint: 'Use the full name.' });
  throw new PatchbayError('SERVER_NOT_FOUND', `no catalog entry named "${name}"`, { hint: `Search with: patchbay catalog search ${name}` });
}

/** GET /v0/servers, every page (the official registry's API; `servers` of `{server, _meta}` or plain entries). */
export async function fetchRegistry(registry: string, fetcher: typeof fetch = fetch): Promise<ServerJson[]> {
  const out: ServerJson[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const url = new URL('/v0/servers', registry);
    url.searchParams.set('limit', '100');
    if (cursor) url.searchParams.set('cursor', cursor);
    let response: Response;
    try {
      response = await fetcher(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      throw new PatchbayError('UPSTREAM', `cannot reach the registry ${registry} (${(error as Error).message}); the catalog was not changed`, { hint: 'Check the URL and your network.' });
    }
    if (!response.ok) throw new PatchbayError('UPSTREAM', `the registry ${registry} answered HTTP ${response.status} for ${url.pathname}; the catalog was not changed`);
    const body = (await response.json().catch(() => undefined)) as { servers?: unknown[]; metadata?: { nextCursor?: string; next_cursor?: string } } | undefined;
    if (!body || !Array.isArray(body.servers)) throw new PatchbayError('UPSTREAM', `the registry ${registry} did not answer with a server list; the catalog was not changed`);
    for (const item of body.servers) {
      const raw = isJsonObject(item) && isJsonObject(item.server) ? item.server : item;
      const server = normalizeServerJson(raw);
      // Invalid entries are skipped (and counted), never installed.
      if (validateServerJson(server, { allowUnversioned: true }).length === 0) out.push(server);
    }
    cursor = body.metadata?.nextCursor ?? body.metadata?.next_cursor;
    if (!cursor) break;
  }
  // The registry lists every version; keep the latest listed for each name.
  const latest = new Map<string, ServerJson>();
  for (const s of out) latest.set(s.name, s);
  return [...latest.values()];
}

export async function saveCatalog(registry: string, servers: ServerJson[]): Promise<string> {
  await ensurePrivateDir(dir());
  const file = localFile();
  await withFileLock(file, () => writeFileAtomic(file, `${JSON.stringify({ registry, updatedAt: new Date().toISOString(), servers }, null, 2)}\n`, { mode: 0o600 }));
  return file;
}

export interface Origin {
  registry: string;
  name: string;
  version?: string;
  scope: string;
  installedAt: string;
  /** Bundles: `kind: 'bundle'` and the tools their manifest declares. */
  kind?: 'bundle';
  tools?: string[];
}

export async function recordOrigin(localName: string, origin: Origin): Promise<void> {
  await ensurePrivateDir(dir());
  await updateJsonFile(installedFile(), (data) => {
    data[localName] = origin as unknown as Record<string, string>;
    return { changed: true, result: undefined };
  });
}

export async function readOrigins(): Promise<Record<string, Origin>> {
  try {
    return JSON.parse(await readFile(installedFile(), 'utf8')) as Record<string, Origin>;
  } catch {
    return {};
  }
}
