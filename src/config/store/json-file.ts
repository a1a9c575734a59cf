/**
 * Reading and changing one JSON file under its lock. Two ways to change a file:
 *   - `editJsonFile` (./json-edit.ts) edits the text in place by JSON path: every host file
 *     (~/.claude.json, .mcp.json, Claude Desktop's, Cursor's, VS Code's) goes through it, so every
 *     byte outside the changed entry stays as it was;
 *   - `updateJsonFile` re-serialises the parsed object: only for files Patchbay owns.
 * Both re-read the file inside the lock (two writers never lose each other's work), keep a UTF-8
 * byte-order mark, follow symlinks (dangling ones too), refuse read-only files and broken JSON,
 * back host files up once, and replace the file atomically with its own mode.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PatchbayError } from '../../errors.js';
import { formatLocated, parseJsonText, type JsonSyntaxError } from '../json-text.js';
import { removeLeftoverTempFiles, writeFileAtomic } from './atomic-write.js';
import { backupOnce } from './backup.js';
import { assertWritable, fileSystemError, resolveWriteTarget } from './file-target.js';
import { withFileLock } from './file-lock.js';

export type JsonObject = Record<string, unknown>;

export const BOM = '\uFEFF';

export async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function syntaxErrorText(file: string, error: JsonSyntaxError): string {
  return formatLocated(file, error.message, error);
}

export interface UpdateOptions {
  /** Mode for a file that does not exist yet (an existing file keeps its own). */
  createMode?: number;
  /** Back the file up once before the first change (host files: yes; Patchbay's own: no). */
  backup?: boolean;
  /** Mode for folders created on the way (Patchbay's own: 0o700). */
  dirMode?: number;
}

export interface Change<T> {
  /** false: nothing to write (the file is left untouched, not even reformatted). */
  changed: boolean;
  result: T;
}

/** The file as it is inside the lock: its text without the BOM, and the parsed object. */
export interface LockedJson {
  /** undefined: the file does not exist. */
  text: string | undefined;
  data: JsonObject;
}

/**
 * The shared core: lock, read, parse, let `change` compute the new text (undefined: no change),
 * then write it back atomically. `change` never sees a BOM; the file keeps the one it had.
 */
export async function changeJsonFile<T>(
  file: string,
  change: (current: LockedJson) => Promise<{ text: string | undefined; result: T }>,
  options: UpdateOptions = {},
): Promise<T> {
  const target = await resolveWriteTarget(file);
  try {
    await mkdir(dirname(target), { recursive: true, ...(options.dirMode !== undefined ? { mode: options.dirMode } : {}) });
  } catch (error) {
    throw fileSystemError(error, file, 'write');
  }
  return withFileLock(target, async (assertHeld) => {
    await removeLeftoverTempFiles(target);
    let raw: string | undefined;
    try {
      raw = await readTextIfExists(target);
    } catch (error) {
      throw fileSystemError(error, file, 'read');
    }
    const bom = raw?.startsWith(BOM) ? BOM : '';
    const text = raw === undefined ? undefined : raw.slice(bom.length);
    const data = text === undefined ? {} : parseObject(file, text);
    const { text: next, result } = await change({ text, data });
    if (next === undefined) return result;
    let mode = options.createMode;
    if (text !== undefined) {
      mode = (await stat(target)).mode & 0o7777;
      await assertWritable(target, file, mode);
      if (options.backup !== false) await backupOnce(target);
    }
    assertHeld();
    try {
      await writeFileAtomic(target, bom + next, { mode });
    } catch (error) {
      throw fileSystemError(error, file, 'write');
    }
    return result;
  });
}

function parseObject(file: string, text: string): JsonObject {
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    throw new PatchbayError('CONFIG_SYNTAX', `${syntaxErrorText(file, parsed.error)}\nNothing was changed.`, {
      hint: `Fix the JSON in ${file} and run the command again.`,
    });
  }
  if (!isJsonObject(parsed.value)) {
    throw new PatchbayError('CONFIG_INVALID', `${file}: the file must hold a JSON object ({ ... }); nothing was changed`, {
      hint: `Fix ${file} and run the command again.`,
    });
  }
  return parsed.value;
}

/**
 * For files only Patchbay writes (config.json, credentials.json): `mutate` changes the parsed
 * object, which is written back whole, 2-space. Anything a person or a host may also edit goes
 * through editJsonFile instead.
 */
export async function updateJsonFile<T>(
  file: string,
  mutate: (data: JsonObject) => Change<T> | Promise<Change<T>>,
  options: UpdateOptions = {},
): Promise<T> {
  return changeJsonFile(
    file,
    async ({ data }) => {
      const change = await mutate(data);
      return { text: change.changed ? JSON.stringify(data, null, 2) : undefined, result: change.result };
    },
    options,
  );
}
