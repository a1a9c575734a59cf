/**
 * `patchbay connect HOST` puts one entry in the host's file that launches Patchbay's stdio
 * gateway, so the host sees every configured server through Patchbay. `--import` first moves the
 * host's own servers into Patchbay's scope (`<config dir>/mcp.json`, which no host reads), so
 * they run once, behind the gateway. Claude Code is special: it keeps loading its own scopes, so
 * its gateway entry says `--for claude-code` and serves only Patchbay's scope; either way Claude
 * Code sees each server once. `disconnect` undoes exactly what connect did: removes the entry,
 * restores an entry it replaced, moves imported servers back, and deletes files and folders it
 * created if they are left empty. Host files are edited in place (only the entries involved
 * change) and backed up once; what connect did is recorded in Patchbay's data dir.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, readFile, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { findProjectRoot, patchbayScopePath } from '../config/locations.js';
import { loadJsonFile } from '../config/sources.js';
import { writeFileAtomic } from '../config/store/atomic-write.js';
import { editJsonFile, type JsonDocument } from '../config/store/json-edit.js';
import { copyServerSettings, entrySettingsKey } from '../config/server-settings.js';
import { isJsonObject, type JsonObject } from '../config/store/json-file.js';
import { PatchbayError } from '../errors.js';
import { ensurePrivateDir, patchbayPaths } from '../paths.js';
import { GATEWAY_ENTRY_NAME, isGatewayEntry, resolveHost, type HostTarget } from './targets.js';

export { isGatewayEntry } from './targets.js';

interface ConnectRecord {
  host: string;
  file: string;
  /** An entry named `patchbay` that was there before and is put back on disconnect. */
  previous?: unknown;
  /** Servers moved from the host into Patchbay's scope, as they were. */
  imported: Record<string, unknown>;
  /** Files and folders connect created, deepest last; disconnect removes them if left empty. */
  created?: string[];
}

export interface ConnectResult {
  target: HostTarget;
  /** Patchbay's scope file, where imported servers went. */
  scopeFile: string;
  imported: string[];
  /** Kept in the host: a different server of that name is already in Patchbay's scope. */
  kept: string[];
  replacedOther: boolean;
}

export interface DisconnectResult {
  target: HostTarget;
  scopeFile: string;
  removed: boolean;
  restored: string[];
  /** Imported servers changed since in Patchbay's scope: left there, and say so. */
  leftInRegistry: string[];
  /** Files connect had created that were left empty, and are gone now. */
  deleted: string[];
}

function recordPath(target: HostTarget): string {
  const hash = createHash('sha256').update(target.file).digest('hex').slice(0, 8);
  return join(patchbayPaths().data, 'hosts', `${target.id}-${hash}.json`);
}

async function readRecord(target: HostTarget): Promise<ConnectRecord | undefined> {
  try {
    return JSON.parse(await readFile(recordPath(target), 'utf8')) as ConnectRecord;
  } catch {
    return undefined;
  }
}

function serversOf(doc: JsonDocument, key: string): JsonObject {
  const servers = doc.get([key]);
  if (servers === undefined) return {};
  if (!isJsonObject(servers)) {
    throw new PatchbayError('CONFIG_INVALID', `${doc.file}: "${key}" must be an object of servers; nothing was changed`, { hint: `Fix "${key}" in ${doc.file} and run the command again.` });
  }
  return servers;
}

/** `file` and the folders above it that do not exist yet, outermost first. */
function missingPaths(file: string): string[] {
  const missing: string[] = [];
  for (let path = file; !existsSync(path) && dirname(path) !== path; path = dirname(path)) missing.unshift(path);
  return missing;
}

function remember(record: ConnectRecord, paths: string[]): void {
  record.created = [...new Set([...(record.created ?? []), ...paths])];
}

export async function connectHost(options: { host: string; cwd: string; import?: boolean }): Promise<ConnectResult> {
  const target = resolveHost(options.host, findProjectRoot(options.cwd));
  const scopeFile = patchbayScopePath();
  const record: ConnectRecord = (await readRecord(target)) ?? { host: target.id, file: target.file, imported: {} };
  const imported: string[] = [];
  const kept: string[] = [];
  // Before anything touches the disk: even a read takes the lock, which creates the folder.
  const createdForHost = missingPaths(target.file);

  if (options.import) {
    // Read the host's servers, then add them to Patchbay's scope first: if anything fails after
    // this, the servers exist in both places, never in neither.
    const hostServers = await editJsonFile(target.file, (doc) => ({ ...serversOf(doc, target.key) }));
    const candidates = Object.entries(hostServers).filter(([name, entry]) => name !== GATEWAY_ENTRY_NAME && !isGatewayEntry(entry));
    if (candidates.length > 0) {
      const created = missingPaths(scopeFile);
      await editJsonFile(scopeFile, (doc) => {
        serversOf(doc, 'mcpServers');
        for (const [name, entry] of candidates) {
          const existing = doc.get(['mcpServers', name]);
          if (existing !== undefined && !isDeepStrictEqual(existing, entry)) {
            kept.push(name);
            continue;
          }
          doc.set(['mcpServers', name], entry);
          imported.push(name);
          record.imported[name] = entry;
        }
      }, { createMode: 0o600, dirMode: 0o700, backup: false });
      remember(record, created.filter(existsSync));
      // An imported Claude Code user entry keeps its own settings (its sandbox) in Patchbay's scope.
      if (target.id === 'claude-code') {
        for (const name of imported) await copyServerSettings(entrySettingsKey(name, 'user', ''), entrySettingsKey(name, 'patchbay', ''));
      }
    }
  }

  let replacedOther = false;
  await editJsonFile(target.file, (doc) => {
    serversOf(doc, target.key);
    const existing = doc.get([target.key, GATEWAY_ENTRY_NAME]);
    if (existing !== undefined && !isGatewayEntry(existing) && record.previous === undefined) {
      record.previous = existing;
      replacedOther = true;
    }
    for (const name of imported) doc.remove([target.key, name]);
    doc.set([target.key, GATEWAY_ENTRY_NAME], target.entry);
  }, { backup: true, createMode: 0o600 });
  remember(record, createdForHost.filter(existsSync));

  await ensurePrivateDir(join(patchbayPaths().data, 'hosts'));
  await writeFileAtomic(recordPath(target), JSON.stringify(record, null, 2), { mode: 0o600 });
  // The entry runs `--client <host>`: the host is a client of its own for policy and audit.
  await (await import('../auth/clients-command.js')).ensureHostClient(target.id);
  return { target, scopeFile, imported, kept, replacedOther };
}

export async function disconnectHost(options: { host: string; cwd: string }): Promise<DisconnectResult> {
  const target = resolveHost(options.host, findProjectRoot(options.cwd));
  const scopeFile = patchbayScopePath();
  const record = await readRecord(target);
  const restored: string[] = [];
  const leftInRegistry: string[] = [];
  let removed = false;

  await editJsonFile(target.file, (doc) => {
    serversOf(doc, target.key);
    if (isGatewayEntry(doc.get([target.key, GATEWAY_ENTRY_NAME]))) removed = doc.remove([target.key, GATEWAY_ENTRY_NAME]);
    if (record?.previous !== undefined && doc.get([target.key, GATEWAY_ENTRY_NAME]) === undefined) doc.set([target.key, GATEWAY_ENTRY_NAME], record.previous);
    for (const [name, entry] of Object.entries(record?.imported ?? {})) {
      if (doc.get([target.key, name]) === undefined) {
        doc.set([target.key, name], entry);
        restored.push(name);
      }
    }
  }, { backup: true });

  const importedNames = Object.keys(record?.imported ?? {});
  if (importedNames.length > 0 && existsSync(scopeFile)) {
    await editJsonFile(scopeFile, (doc) => {
      for (const name of importedNames) {
        const current = doc.get(['mcpServers', name]);
        if (current === undefined) continue;
        if (isDeepStrictEqual(current, record!.imported[name])) doc.remove(['mcpServers', name]);
        else leftInRegistry.push(name);
      }
    }, { backup: false });
  }
  const deleted = await removeIfEmpty(record?.created ?? []);
  await rm(recordPath(target), { force: true });
  return { target, scopeFile, removed, restored, leftInRegistry, deleted };
}

/** Whether a config file holds nothing but empty objects (`{}`, `{"mcpServers": {}}`). */
async function isEmptyConfig(file: string): Promise<boolean> {
  const loaded = await loadJsonFile(file);
  return loaded.data !== undefined && Object.values(loaded.data).every((v) => isJsonObject(v) && Object.keys(v).length === 0);
}

/** Deletes the files connect created that are left empty, then their folders if empty. */
async function removeIfEmpty(created: string[]): Promise<string[]> {
  const deleted: string[] = [];
  for (const path of [...created].reverse()) {
    const stats = await lstat(path).catch(() => undefined);
    if (!stats) continue;
    if (stats.isFile()) {
      if (await isEmptyConfig(path)) {
        await rm(path, { force: true });
        deleted.push(path);
      }
    } else {
      // A folder goes only when nothing is left in it (rmdir refuses otherwise).
      await rmdir(path).catch(() => undefined);
    }
  }
  return deleted;
}
