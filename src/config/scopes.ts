/**
 * Changing the servers of one scope. Each change is one locked, in-place edit of one file
 * (./store/json-edit.ts) that touches only the entries it is about.
 *
 * Scopes and their files: local → ~/.claude.json `projects[<root>].mcpServers`, project →
 * `<root>/.mcp.json`, user → ~/.claude.json `mcpServers` (Claude Code's three), and patchbay →
 * `<Patchbay config dir>/mcp.json`, the same shape as .mcp.json, read by the hub and by no host.
 */
import { existsSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { PatchbayError } from '../errors.js';
import { claudeJsonPath, mcpJsonPath, patchbayScopePath, projectSettingsLocalPath } from './locations.js';
import { editJsonFile, type JsonDocument } from './store/json-edit.js';
import { isJsonObject, type JsonObject } from './store/json-file.js';
import type { Scope, ServerEntry } from './types.js';

export const SCOPES: readonly Scope[] = ['local', 'project', 'user', 'patchbay'];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

export function scopeFile(scope: Scope, projectRoot: string): string {
  if (scope === 'patchbay') return patchbayScopePath();
  return scope === 'project' ? mcpJsonPath(projectRoot) : claudeJsonPath();
}

export function scopePath(scope: Scope, projectRoot: string): string[] {
  return scope === 'local' ? ['projects', projectRoot, 'mcpServers'] : ['mcpServers'];
}

/** Mode of a scope file Patchbay creates: .mcp.json is meant to be committed, the others are private. */
function createOptions(scope: Scope) {
  if (scope === 'patchbay') return { createMode: 0o600, dirMode: 0o700 };
  return { createMode: scope === 'project' ? 0o644 : 0o600 };
}

export function describeScope(scope: Scope | 'claude-desktop'): string {
  switch (scope) {
    case 'local':
      return 'Local config (private to you in this project)';
    case 'project':
      return 'Project config (shared via .mcp.json)';
    case 'user':
      return 'User config (available in all your projects)';
    case 'patchbay':
      return "Patchbay config (all your projects, served by Patchbay's hub; no host reads it)";
    default:
      return 'Claude Desktop config';
  }
}

export interface NewServer {
  name: string;
  entry: ServerEntry | JsonObject;
}

export interface AddResult {
  file: string;
  /** Final names, in order; differ from the requested ones only with `renameOnConflict`. */
  added: { requested: string; name: string }[];
  /** With `skipIdentical`: servers already there with exactly this entry (under `name`). */
  skipped: { requested: string; name: string }[];
}

export interface AddOptions {
  /** A taken name gets `_1`, `_2`, ... as in Claude Code's add-from-claude-desktop. */
  renameOnConflict?: boolean;
  /** A server already present with the identical entry (by its name or a renamed one) is skipped. */
  skipIdentical?: boolean;
}

function serversIn(doc: JsonDocument, path: string[]): JsonObject {
  const container = doc.get(path);
  return isJsonObject(container) ? container : {};
}

/**
 * Adds servers to one scope in one write. A name that exists fails with SERVER_EXISTS, unless
 * `renameOnConflict` or `skipIdentical` says otherwise.
 */
export async function addServers(scope: Scope, projectRoot: string, servers: NewServer[], options: AddOptions = {}): Promise<AddResult> {
  const file = scopeFile(scope, projectRoot);
  const path = scopePath(scope, projectRoot);
  const { added, skipped } = await editJsonFile(
    file,
    (doc) => {
      const result: Pick<AddResult, 'added' | 'skipped'> = { added: [], skipped: [] };
      for (const { name, entry } of servers) {
        const taken = (candidate: string) => Object.hasOwn(serversIn(doc, path), candidate);
        const candidates = [name];
        for (let i = 1; taken(candidates[candidates.length - 1]!); i++) candidates.push(`${name}_${i}`);
        const same = options.skipIdentical ? candidates.find((c) => taken(c) && isDeepStrictEqual(serversIn(doc, path)[c], entry)) : undefined;
        if (same !== undefined) {
          result.skipped.push({ requested: name, name: same });
          continue;
        }
        if (taken(name) && !options.renameOnConflict) {
          throw new PatchbayError('SERVER_EXISTS', `MCP server "${name}" already exists in ${scope} config (${file}); nothing was changed`, {
            hint: `Remove it first (patchbay mcp remove ${name} -s ${scope}) or pick another name.`,
          });
        }
        const finalName = candidates[candidates.length - 1]!;
        doc.set([...path, finalName], entry);
        result.added.push({ requested: name, name: finalName });
      }
      return result;
    },
    createOptions(scope),
  );
  return { file, added, skipped };
}

/** Removes one server from one scope; false when it was not there (the file is left untouched). */
export async function removeServer(scope: Scope, projectRoot: string, name: string): Promise<boolean> {
  return editJsonFile(scopeFile(scope, projectRoot), (doc) => doc.remove([...scopePath(scope, projectRoot), name]));
}

const APPROVAL_KEYS = ['enabledMcpjsonServers', 'disabledMcpjsonServers', 'enableAllProjectMcpServers'];

function dropApprovalKeys(doc: JsonDocument, base: string[]): boolean {
  let changed = false;
  for (const key of APPROVAL_KEYS) if (doc.remove([...base, key])) changed = true;
  return changed;
}

/**
 * Forgets every approval and rejection of the project's .mcp.json servers. Unlike Claude Code,
 * which rewrites settings.local.json to `{}`, only the approval keys go; other settings stay.
 * Returns the files that changed.
 */
export async function resetProjectChoices(projectRoot: string): Promise<string[]> {
  const changed: string[] = [];
  const settings = projectSettingsLocalPath(projectRoot);
  if (existsSync(settings) && (await editJsonFile(settings, (doc) => dropApprovalKeys(doc, [])))) changed.push(settings);
  const claudeJson = claudeJsonPath();
  if (existsSync(claudeJson) && (await editJsonFile(claudeJson, (doc) => dropApprovalKeys(doc, ['projects', projectRoot])))) changed.push(claudeJson);
  return changed;
}

/**
 * Turns a server on or off in the scope that defines it (`patchbay.disabled`), the way an entry
 * says it by hand; the dashboard's switch and any script call this. False: no such entry there.
 */
export async function setServerEnabled(scope: Scope, projectRoot: string, name: string, enabled: boolean): Promise<boolean> {
  return editJsonFile(scopeFile(scope, projectRoot), (doc) => {
    const base = [...scopePath(scope, projectRoot), name];
    if (!isJsonObject(doc.get(base))) return false;
    if (enabled) doc.remove([...base, 'patchbay', 'disabled']);
    else doc.set([...base, 'patchbay', 'disabled'], true);
    return true;
  });
}

/** Turns one tool of a server on or off (`patchbay.denyTools`, names as the server gives them). */
export async function setToolEnabled(scope: Scope, projectRoot: string, name: string, tool: string, enabled: boolean): Promise<boolean> {
  return editJsonFile(scopeFile(scope, projectRoot), (doc) => {
    const base = [...scopePath(scope, projectRoot), name];
    if (!isJsonObject(doc.get(base))) return false;
    const current = doc.get([...base, 'patchbay', 'denyTools']);
    const deny = new Set(Array.isArray(current) ? current.filter((t): t is string => typeof t === 'string') : []);
    if (enabled) deny.delete(tool);
    else deny.add(tool);
    if (deny.size === 0) doc.remove([...base, 'patchbay', 'denyTools']);
    else doc.set([...base, 'patchbay', 'denyTools'], [...deny].sort());
    return true;
  });
}
