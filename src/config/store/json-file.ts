/**
 * Reading and changing one host JSON file. A change re-reads the file inside the lock, changes
 * one path of the parsed object, and writes `JSON.stringify(data, null, 2)` (what Claude Code
 * writes), so every other key survives and two concurrent writers never lose each other's work.
 */
import { mkdir, readFile, realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PatchbayError } from '../../errors.js';
import { formatLocated, parseJsonText, type JsonSyntaxError } from '../json-text.js';
import { removeLeftoverTempFiles, writeFileAtomic } from './atomic-write.js';
import { backupOnce } from './backup.js';
import { withFileLock } from './file-lock.js';

export type JsonObject = Record<string, unknown>;

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
}

export interface Change<T> {
  /** false: nothing to write (the file is left untouched, not even reformatted). */
  changed: boolean;
  result: T;
}

/** Resolve symlinks so a dotfiles-managed ~/.claude.json stays a symlink to the real file. */
async function resolveTarget(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch {
    return file;
  }
}

export async function updateJsonFile<T>(
  file: string,
  mutate: (data: JsonObject) => Change<T> | Promise<Change<T>>,
  options: UpdateOptions = {},
): Promise<T> {
  const target = await resolveTarget(file);
  await mkdir(dirname(target), { recursive: true });
  return withFileLock(target, async (assertHeld) => {
    await removeLeftoverTempFiles(target);
    const text = await readTextIfExists(target);
    let data: JsonObject = {};
    if (text !== undefined) {
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
      data = parsed.value;
    }
    const change = await mutate(data);
    if (!change.changed) return change.result;
    let mode = options.createMode;
    if (text !== undefined) {
      mode = (await stat(target)).mode & 0o7777;
      if (options.backup !== false) await backupOnce(target);
    }
    assertHeld();
    await writeFileAtomic(target, JSON.stringify(data, null, 2), { mode });
    return change.result;
  });
}
