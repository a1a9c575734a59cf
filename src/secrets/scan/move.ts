/**
 * `patchbay secrets move SERVER.NAME` and `--all`: a literal in a server entry's env or headers
 * goes into the secret store and the entry gets `${secret:NAME}` in its place. The host file is
 * backed up first (a private copy in Patchbay's backups folder) and then edited in place with
 * jsonc-parser's modify/applyEdits, under the file's lock: only that value changes, every other
 * byte of the file (key order, number spellings, escapes, a BOM) stays as it was.
 */
import { chmod, copyFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { applyEdits, modify, parse, type JSONPath } from 'jsonc-parser';
import { PatchbayError } from '../../errors.js';
import { ensurePrivateDir } from '../../paths.js';
import { backupDir, backupName } from '../../config/store/backup.js';
import { removeLeftoverTempFiles, writeFileAtomic } from '../../config/store/atomic-write.js';
import { withFileLock } from '../../config/store/file-lock.js';
import { readTextIfExists } from '../../config/store/json-file.js';
import { findProjectRoot } from '../../config/locations.js';
import { isOnlyReference } from '../rules/patchbay-rules.js';
import { openSecretStore } from '../store/open-store.js';
import { isValidSecretName, type SecretStore } from '../store/secret-store.js';
import { scannedFiles, type ScannedFile } from './files.js';
import { isTrackedByGit } from './git-tracked.js';
import { runSecretScan } from './run-secret-scan.js';

export interface MoveRequest {
  /** `SERVER.NAME` (an env variable or a header of that server), or undefined with `all`. */
  target?: string;
  all?: boolean;
  /** The secret's name for a single move (default: the variable's name). */
  name?: string;
  cwd?: string;
  store?: SecretStore;
  files?: ScannedFile[];
}

export interface MovedSecret {
  file: string;
  server: string;
  field: string;
  secret: string;
  backup: string;
  committed: boolean;
}

export interface MoveResult {
  moved: MovedSecret[];
  /** Findings that cannot be moved automatically (args, url, non-entry fields), for the user to handle. */
  manual: { file: string; line: number; field?: string; server?: string; ruleId: string }[];
}

interface Planned {
  file: string;
  path: JSONPath;
  server: string;
  field: string;
  /** What the file holds now. */
  literal: string;
  /** What goes into the store, and what replaces the literal. */
  value: string;
  reference: (secret: string) => string;
  committed: boolean;
}

function containerPaths(data: unknown, file: ScannedFile, server: string): JSONPath[] {
  const paths: JSONPath[] = [];
  for (const container of file.containers) {
    const expand = (value: unknown, at: string[], rest: readonly string[]) => {
      if (typeof value !== 'object' || value === null) return;
      if (rest.length === 0) {
        if (Object.hasOwn(value, server)) paths.push([...at, server]);
        return;
      }
      const [head, ...tail] = rest;
      const keys = head === '*' ? Object.keys(value) : [head!];
      for (const key of keys) expand((value as Record<string, unknown>)[key], [...at, key], tail);
    };
    expand(data, [], container);
  }
  return paths;
}

function valueAt(data: unknown, path: JSONPath): unknown {
  let current = data;
  for (const key of path) current = typeof current === 'object' && current !== null ? (current as Record<string | number, unknown>)[key] : undefined;
  return current;
}

/** `Bearer abc` stores `abc` and keeps the scheme word in the file: `Bearer ${secret:NAME}`. */
function split(literal: string): Pick<Planned, 'value' | 'reference'> {
  const scheme = /^(Bearer|Basic|Token|Bot)\s+(\S.*)$/i.exec(literal);
  if (scheme) return { value: scheme[2]!, reference: (secret) => `${scheme[1]} \${secret:${secret}}` };
  return { value: literal, reference: (secret) => `\${secret:${secret}}` };
}

function defaultSecretName(server: string, field: string): string {
  const [kind, name] = field.split(/\.(.*)/s) as [string, string];
  const base = name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  const plain = kind === 'headers' && /^(AUTHORIZATION|COOKIE)$/.test(base) ? `${server.toUpperCase()}_${base}` : base;
  const safe = plain.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z_]/.test(safe) ? safe : `_${safe}`;
}

async function plan(request: MoveRequest, files: ScannedFile[]): Promise<{ planned: Planned[]; manual: MoveResult['manual'] }> {
  const manual: MoveResult['manual'] = [];
  if (request.all) {
    const report = await runSecretScan({ cwd: request.cwd, files });
    const planned: Planned[] = [];
    for (const finding of report.findings) {
      if (!finding.movable || !finding.server || !finding.field) {
        manual.push({ file: finding.file, line: finding.line, field: finding.field, server: finding.server, ruleId: finding.ruleId });
        continue;
      }
      const text = (await readTextIfExists(finding.file)) ?? '';
      const literal = valueAt(parse(text.replace(/^\uFEFF/, '')), finding.path);
      if (typeof literal !== 'string' || isOnlyReference(literal)) continue;
      planned.push({ file: finding.file, path: finding.path, server: finding.server, field: finding.field, literal, ...split(literal), committed: finding.committed });
    }
    return { planned, manual };
  }
  const match = /^([^.]+)\.(.+)$/.exec(request.target ?? '');
  if (!match) throw new PatchbayError('USAGE', `expected SERVER.NAME (an env variable or header of that server), got "${request.target ?? ''}"`, { hint: 'For example: patchbay secrets move github.GITHUB_TOKEN, or --all' });
  const [, server, name] = match as unknown as [string, string, string];
  for (const file of files) {
    const text = await readTextIfExists(file.file).catch(() => undefined);
    if (text === undefined) continue;
    const data = parse(text.replace(/^\uFEFF/, ''));
    for (const entryPath of containerPaths(data, file, server)) {
      for (const kind of ['env', 'headers'] as const) {
        const path = [...entryPath, kind, name];
        const literal = valueAt(data, path);
        if (typeof literal !== 'string') continue;
        if (isOnlyReference(literal)) throw new PatchbayError('USAGE', `${server}.${name} in ${file.file} is already a reference (${literal}); nothing to move`);
        const committed = file.project && (await isTrackedByGit(file.file));
        return { planned: [{ file: file.file, path, server, field: `${kind}.${name}`, literal, ...split(literal), committed }], manual };
      }
    }
  }
  throw new PatchbayError('SERVER_NOT_FOUND', `no server "${server}" with an env variable or header "${name}" in the files Patchbay reads`, {
    hint: 'patchbay scan --secrets lists what can be moved.',
  });
}

async function chooseName(store: SecretStore, item: Planned, wanted: string | undefined): Promise<string> {
  const base = defaultSecretName(item.server, item.field);
  const prefixed = `${item.server.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}_${base}`;
  // GITHUB_TOKEN first; if another server's GITHUB_TOKEN already holds a different value, GITHUB_GITHUB_TOKEN.
  const candidates = wanted ? [wanted] : base.startsWith(`${item.server.toUpperCase()}_`) ? [base] : [base, prefixed];
  for (const name of candidates) {
    if (!isValidSecretName(name)) throw new PatchbayError('USAGE', `"${name}" is not a valid secret name`, { hint: 'Pick another with --name.' });
    const existing = await store.get(name);
    if (existing === undefined || existing === item.value) return name;
  }
  throw new PatchbayError('USAGE', `a different secret is already stored as ${candidates.join(' and ')}; nothing was moved for ${item.server}.${item.field}`, {
    hint: `Choose a name: patchbay secrets move ${item.server}.${item.field.split('.').slice(1).join('.')} --name NAME`,
  });
}

/** A private copy of the file before this change (it still holds the literal: delete it once you are satisfied). */
async function backup(file: string): Promise<string> {
  await ensurePrivateDir(backupDir());
  const target = join(backupDir(), `${backupName(file)}.before-secrets-move.${Date.now()}`);
  await copyFile(file, target);
  await chmod(target, 0o600);
  return target;
}

/** Replaces each planned value in one file, in place, under the file's lock. */
async function rewrite(file: string, items: { item: Planned; secret: string }[]): Promise<string> {
  return withFileLock(file, async (assertHeld) => {
    await removeLeftoverTempFiles(file);
    const original = await readTextIfExists(file);
    if (original === undefined) throw new PatchbayError('CONFIG_INVALID', `${file} disappeared; nothing was changed`);
    const bom = original.startsWith('\uFEFF') ? '\uFEFF' : '';
    let text = original.slice(bom.length);
    for (const { item, secret } of items) {
      if (valueAt(parse(text), item.path) !== item.literal) {
        throw new PatchbayError('CONFIG_INVALID', `${file}: ${item.server}.${item.field} changed while moving it; nothing was changed`, { hint: 'Run the command again.' });
      }
      text = applyEdits(text, modify(text, item.path, item.reference(secret), { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
    }
    const saved = await backup(file);
    const mode = (await stat(file)).mode & 0o7777;
    assertHeld();
    await writeFileAtomic(file, bom + text, { mode });
    return saved;
  });
}

export async function moveSecrets(request: MoveRequest): Promise<MoveResult> {
  const projectRoot = findProjectRoot(request.cwd ?? process.cwd());
  const files = request.files ?? scannedFiles(projectRoot);
  const { planned, manual } = await plan(request, files);
  if (request.all && request.name) throw new PatchbayError('USAGE', '--name names one secret; with --all each secret is named after its variable');
  const store = request.store ?? (await openSecretStore());
  const byFile = new Map<string, { item: Planned; secret: string }[]>();
  for (const item of planned) {
    const secret = await chooseName(store, item, request.name);
    // Stored first: if the file cannot be written, the secret is in the store and the file is as it was.
    await store.set(secret, item.value);
    byFile.set(item.file, [...(byFile.get(item.file) ?? []), { item, secret }]);
  }
  const moved: MovedSecret[] = [];
  for (const [file, items] of byFile) {
    const saved = await rewrite(file, items);
    for (const { item, secret } of items) moved.push({ file, server: item.server, field: item.field, secret, backup: saved, committed: item.committed });
  }
  return { moved, manual };
}
