/**
 * Patchbay's own user config, `<patchbayPaths().config>/config.json` — one file, one section per
 * concern, each validated by the module that owns it:
 *
 *   "proxy"        the model proxy (src/proxy/config/)
 *   "permissions"  allow/ask/deny rules for tool calls (src/policy/)
 *   "servers"      per-server settings kept out of host files, by server name (sandbox, protocol,
 *                  secrets policy, pinning) — so `patchbay mcp add` can write exactly what
 *                  `claude mcp add` writes and still remember the rest
 *   …and the settings of the audit log and of the built-in servers.
 *
 * Patchbay owns this file, so a change rewrites it whole (locked, atomic, 0600), unlike host
 * files, which are only ever edited in place.
 */
import { dirname, join } from 'node:path';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { PatchbayError } from '../errors.js';
import { ensurePrivateDir, patchbayPaths } from '../paths.js';
import { isJsonObject, readTextIfExists, updateJsonFile, type Change, type JsonObject } from './store/json-file.js';

export function patchbayConfigPath(): string {
  return join(patchbayPaths().config, 'config.json');
}

/** The whole file as an object; `{}` when it does not exist. Syntax errors name the line. */
export async function readPatchbayConfig(file: string = patchbayConfigPath()): Promise<JsonObject> {
  let text: string | undefined;
  try {
    text = await readTextIfExists(file);
  } catch (error) {
    throw new PatchbayError('CONFIG_INVALID', `${file}: cannot be read (${(error as Error).message})`, { cause: error, hint: 'Check the file permissions.' });
  }
  if (text === undefined || text.trim() === '') return {};
  const errors: ParseError[] = [];
  const data: unknown = parseJsonc(text.replace(/^\uFEFF/, ''), errors, { allowTrailingComma: false, disallowComments: true });
  const first = errors[0];
  if (first) {
    const line = text.slice(0, first.offset).split('\n').length;
    throw new PatchbayError('CONFIG_SYNTAX', `${file}:${line}: invalid JSON (${printParseErrorCode(first.error)})`, { hint: 'Fix the JSON syntax at that line.' });
  }
  if (!isJsonObject(data)) {
    throw new PatchbayError('CONFIG_INVALID', `${file}: expected a JSON object at the top level`, { hint: 'The file holds {"proxy": {...}, "permissions": {...}, ...}.' });
  }
  return data;
}

/** One section of the file (`undefined` when absent). */
export async function readPatchbayConfigSection(section: string, file?: string): Promise<unknown> {
  return (await readPatchbayConfig(file))[section];
}

/** A locked, atomic read-modify-write of the file, created 0600 when missing. */
export async function updatePatchbayConfig<T>(mutate: (data: JsonObject) => Change<T> | Promise<Change<T>>, file: string = patchbayConfigPath()): Promise<T> {
  await ensurePrivateDir(dirname(file));
  return updateJsonFile(file, mutate, { createMode: 0o600, dirMode: 0o700, backup: false });
}
