/**
 * `patchbay connect HOST` puts one entry in the host's file that launches Patchbay's stdio
 * gateway, so the host sees every configured server through Patchbay. `--import` first moves the
 * host's own servers into Patchbay's registry (Claude Code's user scope in ~/.claude.json, where
 * `patchbay mcp add -s user` writes), so they run once, behind the gateway. `disconnect` undoes
 * exactly that: removes the entry, restores an entry it replaced, and moves imported servers
 * back. Every write goes through the registry's locked, atomic writer, which backs a host file
 * up once before Patchbay first changes it; what connect did is recorded in Patchbay's data dir.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { claudeJsonPath } from '../config/locations.js';
import { findProjectRoot } from '../config/locations.js';
import { writeFileAtomic } from '../config/store/atomic-write.js';
import { isJsonObject, updateJsonFile, type JsonObject } from '../config/store/json-file.js';
import { PatchbayError } from '../errors.js';
import { patchbayPaths } from '../paths.js';
import { GATEWAY_ENTRY_NAME, resolveHost, type HostTarget } from './targets.js';

interface ConnectRecord {
  host: string;
  file: string;
  /** An entry named `patchbay` that was there before and is put back on disconnect. */
  previous?: unknown;
  /** Servers moved from the host into Patchbay's registry, as they were. */
  imported: Record<string, unknown>;
}

export interface ConnectResult {
  target: HostTarget;
  imported: string[];
  /** Kept in the host: a server of that name already exists in Patchbay's registry. */
  kept: string[];
  replacedOther: boolean;
}

export interface DisconnectResult {
  target: HostTarget;
  removed: boolean;
  restored: string[];
  /** Imported servers changed since in Patchbay's registry: left there, and say so. */
  leftInRegistry: string[];
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

function serversOf(data: JsonObject, target: HostTarget): JsonObject {
  const servers = data[target.key];
  if (servers === undefined) return {};
  if (!isJsonObject(servers)) {
    throw new PatchbayError('CONFIG_INVALID', `${target.file}: "${target.key}" must be an object of servers; nothing was changed`, { hint: `Fix "${target.key}" in ${target.file} and run the command again.` });
  }
  return servers;
}

/** Whether an entry is Patchbay's gateway (written by connect, possibly from another install). */
export function isGatewayEntry(entry: unknown): boolean {
  if (!isJsonObject(entry) || !Array.isArray(entry.args)) return false;
  const args = entry.args as unknown[];
  return args.includes('gateway') && args.includes('--stdio') && args.some((a) => typeof a === 'string' && /patchbay/.test(a));
}

export async function connectHost(options: { host: string; cwd: string; import?: boolean }): Promise<ConnectResult> {
  const target = resolveHost(options.host, findProjectRoot(options.cwd));
  const registryFile = claudeJsonPath();
  if (options.import && target.file === registryFile) {
    throw new PatchbayError('USAGE', "Claude Code's servers are already Patchbay's registry (~/.claude.json), so there is nothing to import", { hint: 'Run `patchbay connect claude-code` without --import.' });
  }
  const record: ConnectRecord = (await readRecord(target)) ?? { host: target.id, file: target.file, imported: {} };
  const imported: string[] = [];
  const kept: string[] = [];

  if (options.import) {
    // Read the host's servers, then add them to the registry first: if anything fails after
    // this, the servers exist in both places, never in neither.
    const hostServers = await updateJsonFile(target.file, (data) => ({ changed: false, result: { ...serversOf(data, target) } }), { backup: true });
    const candidates = Object.entries(hostServers).filter(([name, entry]) => name !== GATEWAY_ENTRY_NAME && !isGatewayEntry(entry));
    await updateJsonFile(registryFile, (data) => {
      const servers = isJsonObject(data.mcpServers) ? data.mcpServers : {};
      for (const [name, entry] of candidates) {
        if (servers[name] !== undefined && !isDeepStrictEqual(servers[name], entry)) {
          kept.push(name);
          continue;
        }
        servers[name] = entry;
        imported.push(name);
        record.imported[name] = entry;
      }
      data.mcpServers = servers;
      return { changed: imported.length > 0, result: undefined };
    }, { backup: true, createMode: 0o600 });
  }

  let replacedOther = false;
  await updateJsonFile(target.file, (data) => {
    const servers = serversOf(data, target);
    const existing = servers[GATEWAY_ENTRY_NAME];
    if (existing !== undefined && !isGatewayEntry(existing) && record.previous === undefined) {
      record.previous = existing;
      replacedOther = true;
    }
    for (const name of imported) delete servers[name];
    const unchanged = isDeepStrictEqual(existing, target.entry) && imported.length === 0;
    servers[GATEWAY_ENTRY_NAME] = target.entry;
    data[target.key] = servers;
    return { changed: !unchanged, result: undefined };
  }, { backup: true, createMode: 0o600 });

  await mkdir(join(patchbayPaths().data, 'hosts'), { recursive: true, mode: 0o700 });
  await writeFileAtomic(recordPath(target), JSON.stringify(record, null, 2), { mode: 0o600 });
  // The entry runs `--client <host>`: the host is a client of its own for policy and audit.
  await (await import('../auth/clients-command.js')).ensureHostClient(target.id);
  return { target, imported, kept, replacedOther };
}

export async function disconnectHost(options: { host: string; cwd: string }): Promise<DisconnectResult> {
  const target = resolveHost(options.host, findProjectRoot(options.cwd));
  const record = await readRecord(target);
  const restored: string[] = [];
  const leftInRegistry: string[] = [];
  let removed = false;
  const registryFile = claudeJsonPath();

  await updateJsonFile(target.file, (data) => {
    const servers = serversOf(data, target);
    if (isGatewayEntry(servers[GATEWAY_ENTRY_NAME])) {
      delete servers[GATEWAY_ENTRY_NAME];
      removed = true;
    }
    if (record?.previous !== undefined && servers[GATEWAY_ENTRY_NAME] === undefined) servers[GATEWAY_ENTRY_NAME] = record.previous;
    for (const [name, entry] of Object.entries(record?.imported ?? {})) {
      if (servers[name] === undefined) {
        servers[name] = entry;
        restored.push(name);
      }
    }
    data[target.key] = servers;
    return { changed: removed || restored.length > 0 || record?.previous !== undefined, result: undefined };
  }, { backup: true });

  const importedNames = Object.keys(record?.imported ?? {});
  if (importedNames.length > 0 && target.file !== registryFile) {
    await updateJsonFile(registryFile, (data) => {
      const servers = isJsonObject(data.mcpServers) ? data.mcpServers : {};
      let changed = false;
      for (const name of importedNames) {
        if (servers[name] === undefined) continue;
        if (isDeepStrictEqual(servers[name], record!.imported[name])) {
          delete servers[name];
          changed = true;
        } else {
          leftInRegistry.push(name);
        }
      }
      data.mcpServers = servers;
      return { changed, result: undefined };
    }, { backup: true });
  }
  await rm(recordPath(target), { force: true });
  return { target, removed, restored, leftInRegistry };
}
