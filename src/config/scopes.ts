/**
 * Changing the servers of one scope. Each change is one locked read-modify-write of one file
 * (./store/json-file.ts) that touches only the `mcpServers` object of that scope.
 */
import { existsSync } from 'node:fs';
import { PatchbayError } from '../errors.js';
import { claudeJsonPath, mcpJsonPath, projectSettingsLocalPath } from './locations.js';
import { isJsonObject, updateJsonFile, type JsonObject } from './store/json-file.js';
import type { Scope, ServerEntry } from './types.js';

export const SCOPES: readonly Scope[] = ['local', 'project', 'user'];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

export function scopeFile(scope: Scope, projectRoot: string): string {
  return scope === 'project' ? mcpJsonPath(projectRoot) : claudeJsonPath();
}

export function scopePath(scope: Scope, projectRoot: string): string[] {
  return scope === 'local' ? ['projects', projectRoot, 'mcpServers'] : ['mcpServers'];
}

export function describeScope(scope: Scope | 'claude-desktop'): string {
  switch (scope) {
    case 'local':
      return 'Local config (private to you in this project)';
    case 'project':
      return 'Project config (shared via .mcp.json)';
    case 'user':
      return 'User config (available in all your projects)';
    default:
      return 'Claude Desktop config';
  }
}

/** The object at `path`, created when absent; an existing non-object is an error, never overwritten. */
function objectAt(data: JsonObject, path: string[], file: string, create: boolean): JsonObject | undefined {
  let current = data;
  for (const key of path) {
    const next = current[key];
    if (next === undefined) {
      if (!create) return undefined;
      current[key] = {};
    } else if (!isJsonObject(next)) {
      throw new PatchbayError('CONFIG_INVALID', `${file}: "${path.slice(0, path.indexOf(key) + 1).join('" → "')}" is not an object; nothing was changed`, {
        hint: `Fix ${file} by hand, then run the command again.`,
      });
    }
    current = current[key] as JsonObject;
  }
  return current;
}

export interface NewServer {
  name: string;
  entry: ServerEntry | JsonObject;
}

export interface AddResult {
  file: string;
  /** Final names, in order; differ from the requested ones only with `renameOnConflict`. */
  added: { requested: string; name: string }[];
}

/**
 * Adds servers to one scope in one write. A name that exists fails with SERVER_EXISTS, or with
 * `renameOnConflict` gets `_1`, `_2`, ... as Claude Code's add-from-claude-desktop does.
 */
export async function addServers(scope: Scope, projectRoot: string, servers: NewServer[], options: { renameOnConflict?: boolean } = {}): Promise<AddResult> {
  const file = scopeFile(scope, projectRoot);
  const added = await updateJsonFile(
    file,
    (data) => {
      const container = objectAt(data, scopePath(scope, projectRoot), file, true)!;
      const result: AddResult['added'] = [];
      for (const { name, entry } of servers) {
        let finalName = name;
        if (Object.hasOwn(container, name)) {
          if (!options.renameOnConflict) {
            throw new PatchbayError('SERVER_EXISTS', `MCP server "${name}" already exists in ${scope} config (${file}); nothing was changed`, {
              hint: `Remove it first (patchbay mcp remove ${name} -s ${scope}) or pick another name.`,
            });
          }
          for (let i = 1; Object.hasOwn(container, finalName); i++) finalName = `${name}_${i}`;
        }
        container[finalName] = entry;
        result.push({ requested: name, name: finalName });
      }
      return { changed: result.length > 0, result };
    },
    { createMode: scope === 'project' ? 0o644 : 0o600 },
  );
  return { file, added };
}

/** Removes one server from one scope; false when it was not there (the file is left untouched). */
export async function removeServer(scope: Scope, projectRoot: string, name: string): Promise<boolean> {
  const file = scopeFile(scope, projectRoot);
  return updateJsonFile(file, (data) => {
    const container = objectAt(data, scopePath(scope, projectRoot), file, false);
    if (!container || !Object.hasOwn(container, name)) return { changed: false, result: false };
    delete container[name];
    return { changed: true, result: true };
  });
}

const APPROVAL_KEYS = ['enabledMcpjsonServers', 'disabledMcpjsonServers', 'enableAllProjectMcpServers'];

function dropApprovalKeys(target: JsonObject | undefined): boolean {
  if (!target) return false;
  let changed = false;
  for (const key of APPROVAL_KEYS) {
    if (Object.hasOwn(target, key)) {
      delete target[key];
      changed = true;
    }
  }
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
  if (existsSync(settings)) {
    const did = await updateJsonFile(settings, (data) => {
      const result = dropApprovalKeys(data);
      return { changed: result, result };
    });
    if (did) changed.push(settings);
  }
  const claudeJson = claudeJsonPath();
  if (existsSync(claudeJson)) {
    const did = await updateJsonFile(claudeJson, (data) => {
      const projects = data.projects;
      const project = isJsonObject(projects) ? projects[projectRoot] : undefined;
      const result = dropApprovalKeys(isJsonObject(project) ? project : undefined);
      return { changed: result, result };
    });
    if (did) changed.push(claudeJson);
  }
  return changed;
}
