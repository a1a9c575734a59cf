/**
 * Reading each host file into servers and problems. A file that is missing is empty; a file
 * that is broken is reported (file, line, column, server, field) and contributes nothing, so a
 * bad `.mcp.json` never stops `patchbay mcp add -s user` or the hub from serving the rest.
 */
import type { Node } from 'jsonc-parser';
import { locate, parseJsonText, treeOf } from './json-text.js';
import { fieldName, isValidServerName, NAME_RULE, validateEntry } from './schema.js';
import { BOM, isJsonObject, readTextIfExists, type JsonObject } from './store/json-file.js';
import type { ConfigProblem, ProjectApprovals, ScopedServer, SourceKind } from './types.js';

export interface LoadedFile {
  file: string;
  exists: boolean;
  /** The parsed object; undefined when missing or broken. */
  data?: JsonObject;
  text?: string;
  tree?: Node;
  problems: ConfigProblem[];
}

export async function loadJsonFile(file: string): Promise<LoadedFile> {
  let text: string | undefined;
  try {
    text = await readTextIfExists(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { file, exists: true, problems: [{ file, message: `cannot read the file (${reason})`, hint: 'Check its permissions.' }] };
  }
  if (text === undefined) return { file, exists: false, problems: [] };
  // Windows Notepad starts a UTF-8 file with a byte-order mark; it is not part of the JSON.
  if (text.startsWith(BOM)) text = text.slice(BOM.length);
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    const { message, line, column, sourceLine } = parsed.error;
    return {
      file,
      exists: true,
      text,
      problems: [{ file, line, column, sourceLine, message, hint: 'Fix the JSON syntax; until then the servers in this file are ignored.' }],
    };
  }
  if (!isJsonObject(parsed.value)) {
    return { file, exists: true, text, problems: [{ file, line: 1, column: 1, message: 'the file must hold a JSON object ({ ... })' }] };
  }
  return { file, exists: true, text, tree: parsed.tree, data: parsed.value, problems: [] };
}

/** Servers under `path` (e.g. ['mcpServers'] or ['projects', root, 'mcpServers']). */
export function collectServers(
  loaded: LoadedFile,
  path: string[],
  scope: SourceKind,
): { servers: ScopedServer[]; problems: ConfigProblem[] } {
  const servers: ScopedServer[] = [];
  const problems: ConfigProblem[] = [];
  const container = valueAt(loaded.data, path);
  if (container === undefined) return { servers, problems };
  // The syntax tree is built only when there is a problem to locate.
  const where = (extra: (string | number)[]) => {
    loaded.tree ??= treeOf(loaded.text ?? '');
    return locate(loaded.text ?? '', loaded.tree, [...path, ...extra]);
  };
  if (!isJsonObject(container)) {
    const pos = where([]);
    problems.push({ file: loaded.file, field: path.join('.'), ...pos, message: `"${path[path.length - 1]}" must be an object of servers, keyed by name` });
    return { servers, problems };
  }
  for (const [name, raw] of Object.entries(container)) {
    if (!isValidServerName(name)) {
      problems.push({ file: loaded.file, server: name, ...where([name]), message: `invalid server name "${name}": ${NAME_RULE}`, hint: 'Rename the server.' });
      continue;
    }
    const result = validateEntry(raw);
    if (result.ok) {
      servers.push({ name, scope, file: loaded.file, entry: result.entry });
      continue;
    }
    for (const issue of result.issues) {
      const field = fieldName(issue.path);
      problems.push({
        file: loaded.file,
        server: name,
        field: field || undefined,
        ...where([name, ...issue.path]),
        message: field ? `server "${name}": "${field}" ${issue.message}` : `server "${name}": ${issue.message}`,
        hint: 'This server is skipped until the entry is fixed.',
      });
    }
  }
  return { servers, problems };
}

export function valueAt(data: unknown, path: string[]): unknown {
  let current = data;
  for (const key of path) {
    if (!isJsonObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Approvals as Claude Code keeps them: settings.local.json, and older versions' ~/.claude.json project entry. */
export function readApprovals(...sources: (JsonObject | undefined)[]): ProjectApprovals {
  const approvals: ProjectApprovals = { enabled: [], disabled: [], enableAll: false };
  for (const source of sources) {
    if (!source) continue;
    approvals.enabled.push(...stringList(source.enabledMcpjsonServers));
    approvals.disabled.push(...stringList(source.disabledMcpjsonServers));
    if (source.enableAllProjectMcpServers === true) approvals.enableAll = true;
  }
  return approvals;
}

export function approvalOf(name: string, approvals: ProjectApprovals): 'approved' | 'rejected' | 'pending' {
  if (approvals.disabled.includes(name)) return 'rejected';
  if (approvals.enableAll || approvals.enabled.includes(name)) return 'approved';
  return 'pending';
}
