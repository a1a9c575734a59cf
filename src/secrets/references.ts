/**
 * `${secret:NAME}` and `${cmd:COMMAND}` in a server entry's env, headers, args and url (beside
 * `${VAR}`, which src/config/expand.ts handles). They are resolved when the hub (or a health
 * check) starts the server, substituted by expandEntry, and never written back.
 *
 * Who may use what (a committed file is written by whoever can push to the repository):
 * - `${secret:NAME}` in a project-scope file (`.mcp.json`) resolves only once the user approved
 *   that server for this project; before that it would hand a stored secret to an entry nobody
 *   reviewed.
 * - `${cmd:…}` is refused in project-scope files altogether: opening a repository must never run
 *   a command (mcp-hub's `${cmd:…}` does, from whatever config it reads). In the user's own files
 *   (user and local scope, Claude Desktop's file) it runs with a timeout, its output never shown.
 */
import { PatchbayError } from '../errors.js';
import type { ResolvedReferences } from '../config/expand.js';
import { isStdioEntry, type ScopedServer, type ServerEntry } from '../config/types.js';
import { runKeyCommand } from '../proxy/keys/command.js';
import { isValidSecretName, SECRET_NAME_RULE, type SecretStore } from './store/secret-store.js';

const ENTRY_REFERENCE = /\$\{(secret|cmd):([^}]*)\}/g;

export interface EntryReference {
  kind: 'secret' | 'cmd';
  /** The reference as written: `${secret:GITHUB_TOKEN}`. */
  text: string;
  /** The secret's name, or the command. */
  target: string;
}

/** Every string of an entry a reference may sit in. */
function fieldsOf(entry: ServerEntry): string[] {
  if (isStdioEntry(entry)) return [entry.command, ...(entry.args ?? []), ...Object.values(entry.env ?? {})];
  return [entry.url, ...Object.values(entry.headers ?? {})];
}

export function entryReferences(entry: ServerEntry): EntryReference[] {
  const found = new Map<string, EntryReference>();
  for (const field of fieldsOf(entry)) {
    if (typeof field !== 'string' || !field.includes('${')) continue;
    for (const m of field.matchAll(ENTRY_REFERENCE)) {
      found.set(m[0], { kind: m[1] as 'secret' | 'cmd', text: m[0], target: m[2]!.trim() });
    }
  }
  return [...found.values()];
}

/** The names of the secrets an entry refers to. */
export function referencedSecrets(entry: ServerEntry): string[] {
  return entryReferences(entry).filter((r) => r.kind === 'secret').map((r) => r.target);
}

export interface Resolution {
  /** For expandEntry: reference text → value. */
  values: ResolvedReferences;
  /** The values themselves, for redaction of logs and errors about this server. */
  secretValues: string[];
}

export interface ResolveOptions {
  /** The store, or how to open it (opened only when the entry has a secret reference). */
  store: SecretStore | (() => Promise<SecretStore>);
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** For `${cmd:…}` (default 10 s). */
  commandTimeoutMs?: number;
}

const NONE: Resolution = { values: new Map(), secretValues: [] };

/** Resolves an entry's secret and command references, or throws a PatchbayError that names the reference, the server and the file. */
export async function resolveEntryReferences(server: ScopedServer, options: ResolveOptions): Promise<Resolution> {
  const references = entryReferences(server.entry);
  if (references.length === 0) return NONE;
  const where = `server "${server.name}" (${server.file})`;
  if (server.scope === 'project') {
    const command = references.find((r) => r.kind === 'cmd');
    if (command) {
      throw new PatchbayError('REFERENCE_REFUSED', `${command.text.length > 60 ? '${cmd:…}' : command.text} in ${where} is refused: a project-scope file must not run commands`, {
        hint: `Keep the command in your own config (patchbay mcp add -s local or -s user), or store the value: patchbay secrets set NAME, and write \${secret:NAME}.`,
      });
    }
    if (server.approval !== 'approved') {
      throw new PatchbayError('REFERENCE_REFUSED', `${where} uses stored secrets and is not approved for this project yet`, {
        hint: `Approve "${server.name}" (Claude Code asks, or add it to "enabledMcpjsonServers" in .claude/settings.local.json); its \${secret:…} references resolve after that.`,
      });
    }
  }
  const values = new Map<string, string>();
  let store: SecretStore | undefined;
  for (const reference of references) {
    if (reference.kind === 'secret') {
      if (!isValidSecretName(reference.target)) {
        throw new PatchbayError('CONFIG_INVALID', `${reference.text} in ${where}: "${reference.target}" is not a secret name (${SECRET_NAME_RULE})`);
      }
      store ??= typeof options.store === 'function' ? await options.store() : options.store;
      const value = await store.get(reference.target);
      if (value === undefined) {
        throw new PatchbayError('SECRET_MISSING', `${reference.text} in ${where}: there is no secret "${reference.target}" in the secret store`, {
          hint: `Store it: patchbay secrets set ${reference.target}`,
        });
      }
      values.set(reference.text, value);
    } else {
      if (reference.target === '') throw new PatchbayError('CONFIG_INVALID', `\${cmd:} in ${where} has no command`);
      const value = await runKeyCommand({
        command: reference.target,
        label: `the \${cmd:…} reference of ${where}`,
        cwd: options.cwd,
        env: options.env,
        timeoutMs: options.commandTimeoutMs ?? 10_000,
      });
      values.set(reference.text, value);
    }
  }
  return { values, secretValues: [...values.values()] };
}
