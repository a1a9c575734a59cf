/**
 * Per-server settings kept out of host files: the `servers` section of Patchbay's config.json,
 * `{"servers": {"<name>": {<the keys of an entry's "patchbay" object>}}}`. `patchbay mcp add`
 * can then write exactly what `claude mcp add` writes and Patchbay still remembers the rest
 * (sandbox, protocol, secrets policy, pinning, ... as those features add their keys to
 * `patchbayOptions` in ./schema.ts).
 *
 * The merge rule, applied to every server when the registry is loaded (mergeServerSettings):
 *   1. Start from the entry's own `patchbay` key.
 *   2. If the entry comes from a project's .mcp.json (a file anyone with push access can change),
 *      keep only what can only tighten: `disabled: true`, `allowTools`, `denyTools`, a
 *      `sandbox` (any sandbox confines more than none; `false` is dropped) and `pinning:
 *      "strict"`. Every other
 *      key is dropped — deny by default, so a setting added later cannot be loosened by a
 *      repository until its owner lists it in PROJECT_MAY_SET.
 *   3. Lay config.json's settings for that name over it, key by key: they win.
 *   4. Then the settings for that one entry, key by key (entrySettingsKey: `<name>@user`,
 *      `<name>@patchbay`, `<name>@local:<project root>`, `<name>@project:<project root>`): what
 *      `patchbay mcp add` records for the entry it wrote (its sandbox default), so another
 *      project's entry of the same name is left as it is. `@` is never part of a server name.
 */
import { PatchbayError } from '../errors.js';
import { patchbayConfigPath, readPatchbayConfig, updatePatchbayConfig } from './patchbay-config.js';
import { fieldName, patchbayOptions } from './schema.js';
import { isJsonObject, type JsonObject } from './store/json-file.js';
import type { ConfigProblem, PatchbayEntryOptions, ScopedServer } from './types.js';

export type ServerSettings = PatchbayEntryOptions;

const SECTION = 'servers';

type Keep = (value: unknown) => unknown;
const keep: Keep = (value) => value;

/** What a project-scope entry's own `patchbay` key may set, each only in its tightening form. */
const PROJECT_MAY_SET: Partial<Record<keyof ServerSettings, Keep>> = {
  disabled: (value) => (value === true ? true : undefined),
  allowTools: keep,
  denyTools: keep,
  // Unsandboxed is what an entry gets without the key, so asking for a sandbox only confines.
  sandbox: (value) => (value === false ? undefined : value),
  pinning: (value) => (value === 'strict' ? value : undefined),
};

/** The key of one entry's own settings: a local or project entry belongs to one project. */
export function entrySettingsKey(name: string, scope: ScopedServer['scope'], projectRoot: string): string {
  return scope === 'local' || scope === 'project' ? `${name}@${scope}:${projectRoot}` : `${name}@${scope}`;
}

export interface ServerSettingsFile {
  file: string;
  settings: Record<string, ServerSettings>;
  problems: ConfigProblem[];
}

/** The `servers` section, validated; a broken file or entry is a problem, never a crash. */
export async function readServerSettings(file: string = patchbayConfigPath()): Promise<ServerSettingsFile> {
  const settings: Record<string, ServerSettings> = {};
  const problems: ConfigProblem[] = [];
  let data: JsonObject;
  try {
    data = await readPatchbayConfig(file);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { file, settings, problems: [{ file, message: `${message}; per-server settings are ignored until it is fixed`, hint: (error as PatchbayError).hint }] };
  }
  const section = data[SECTION];
  if (section === undefined) return { file, settings, problems };
  if (!isJsonObject(section)) return { file, settings, problems: [{ file, field: SECTION, message: '"servers" must be an object of settings by server name' }] };
  for (const [name, raw] of Object.entries(section)) {
    const parsed = patchbayOptions.safeParse(raw);
    if (parsed.success) settings[name] = parsed.data as ServerSettings;
    else {
      for (const issue of parsed.error.issues) {
        const field = fieldName([SECTION, name, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')]);
        problems.push({ file, server: name.split('@')[0]!, field, message: `"${field}" ${issue.message}`, hint: `The settings for "${name}" are ignored until this is fixed.` });
      }
    }
  }
  return { file, settings, problems };
}

/** The effective `patchbay` options of one server; see the module comment for the rule. */
export function mergeServerSettings(server: Pick<ScopedServer, 'scope' | 'entry'>, overlay: ServerSettings | undefined): ServerSettings | undefined {
  let own: ServerSettings = { ...(server.entry.patchbay ?? {}) };
  if (server.scope === 'project') {
    const allowed: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(own)) {
      const rule = PROJECT_MAY_SET[key as keyof ServerSettings];
      const kept = rule?.(value);
      if (kept !== undefined) allowed[key] = kept;
    }
    own = allowed as ServerSettings;
  }
  const merged = { ...own, ...(overlay ?? {}) };
  return Object.keys(merged).length > 0 ? merged : undefined;
}

/** Applies config.json's settings to every server of a loaded registry (in place). */
export function applyServerSettings(servers: ScopedServer[], settings: Record<string, ServerSettings>, projectRoot?: string): void {
  for (const server of servers) {
    const byName = Object.hasOwn(settings, server.name) ? settings[server.name] : undefined;
    const key = projectRoot === undefined ? undefined : entrySettingsKey(server.name, server.scope, projectRoot);
    const byEntry = key !== undefined && Object.hasOwn(settings, key) ? settings[key] : undefined;
    const overlay = byName || byEntry ? { ...byName, ...byEntry } : undefined;
    const merged = mergeServerSettings(server, overlay);
    if (overlay) server.settings = overlay;
    if (merged === undefined && server.entry.patchbay === undefined) continue;
    const { patchbay: _own, ...rest } = server.entry;
    server.entry = (merged === undefined ? rest : { ...rest, patchbay: merged }) as ScopedServer['entry'];
  }
}

/**
 * Changes the settings of one server in config.json: each key of `patch` is set, or removed
 * when its value is `undefined`; a server left with no settings loses its key. Validated before
 * anything is written. Returns the server's settings after the change.
 */
export async function updateServerSettings(name: string, patch: { [K in keyof ServerSettings]?: ServerSettings[K] | undefined }, file?: string): Promise<ServerSettings> {
  return updatePatchbayConfig((data) => {
    const section = data[SECTION] === undefined ? {} : data[SECTION];
    if (!isJsonObject(section)) {
      throw new PatchbayError('CONFIG_INVALID', `${file ?? patchbayConfigPath()}: "servers" is not an object; nothing was changed`, { hint: 'Fix the file by hand, then run the command again.' });
    }
    const current = isJsonObject(section[name]) ? { ...(section[name] as JsonObject) } : {};
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) delete current[key];
      else current[key] = value;
    }
    const parsed = patchbayOptions.safeParse(current);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new PatchbayError('CONFIG_INVALID', `settings for "${name}": "${fieldName(issue.path.filter((p): p is string | number => typeof p !== 'symbol'))}" ${issue.message}; nothing was changed`);
    }
    if (Object.keys(current).length === 0) delete section[name];
    else section[name] = current;
    if (Object.keys(section).length === 0) delete data[SECTION];
    else data[SECTION] = section;
    return { changed: true, result: current as ServerSettings };
  }, file);
}

/** Drops every setting kept for one key (a removed entry's own settings); config.json is left untouched when there are none. */
export async function forgetServerSettings(key: string, file?: string): Promise<boolean> {
  return updatePatchbayConfig((data) => {
    const section = data[SECTION];
    if (!isJsonObject(section) || !Object.hasOwn(section, key)) return { changed: false, result: false };
    delete section[key];
    if (Object.keys(section).length === 0) delete data[SECTION];
    return { changed: true, result: true };
  }, file);
}

/** Copies one key's settings to another (an entry moved to another scope keeps its own settings); none to copy, nothing written. */
export async function copyServerSettings(from: string, to: string, file?: string): Promise<boolean> {
  return updatePatchbayConfig((data) => {
    const section = data[SECTION];
    if (!isJsonObject(section) || !isJsonObject(section[from]) || Object.hasOwn(section, to)) return { changed: false, result: false };
    section[to] = { ...(section[from] as JsonObject) };
    return { changed: true, result: true };
  }, file);
}
