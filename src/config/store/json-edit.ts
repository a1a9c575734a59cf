/**
 * `editJsonFile`: the one way Patchbay changes a file it does not own. The callback reads the
 * parsed file and says what to change by JSON path (`doc.set(['mcpServers', name], entry)`,
 * `doc.remove(...)`); each change is made to the text in place (./json-edit-text.ts), so every
 * byte outside the changed entry — big numbers, `1.0`, escapes, order, layout — stays. The file
 * is written only when something changed, under the lock, atomically (./json-file.ts).
 */
import { isDeepStrictEqual } from 'node:util';
import { PatchbayError } from '../../errors.js';
import { detectStyle, NotAnObjectError, removeFromText, setInText, type JsonPath } from './json-edit-text.js';
import { changeJsonFile, isJsonObject, type JsonObject, type UpdateOptions } from './json-file.js';

export type { JsonPath } from './json-edit-text.js';

export interface JsonDocument {
  readonly file: string;
  /** The file as parsed (`{}` when missing or empty), kept up to date by set/remove. Read only. */
  readonly data: JsonObject;
  /** The value at `path`, or undefined. */
  get(path: JsonPath): unknown;
  /** Sets the value at `path`, creating missing objects; a non-object on the way is CONFIG_INVALID. */
  set(path: JsonPath, value: unknown): void;
  /** Removes the member at `path`; false when it was not there. */
  remove(path: JsonPath): boolean;
  /** Whether set/remove changed anything (only then is the file written). */
  readonly changed: boolean;
}

export function valueAtPath(data: unknown, path: JsonPath): unknown {
  let current = data;
  for (const key of path) {
    if (!isJsonObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

function notAnObject(file: string, path: JsonPath, depth: number): PatchbayError {
  return new PatchbayError('CONFIG_INVALID', `${file}: "${path.slice(0, depth + 1).join('" → "')}" is not an object; nothing was changed`, {
    hint: `Fix ${file} by hand, then run the command again.`,
  });
}

/** A document over `text`; exported for callers that edit text they already hold. */
export function createJsonDocument(file: string, text: string | undefined, data: JsonObject): JsonDocument & { readonly text: string | undefined } {
  let current = text;
  const style = detectStyle(text ?? '');
  let changed = false;
  return {
    file,
    data,
    get text() {
      return current;
    },
    get changed() {
      return changed;
    },
    get: (path) => valueAtPath(data, path),
    set(path, value) {
      if (isDeepStrictEqual(valueAtPath(data, path), value)) return;
      // Check the in-memory object first: the same answer as the text, with a better message.
      let holder: JsonObject = data;
      for (let depth = 0; depth < path.length - 1; depth++) {
        const next = holder[path[depth]!];
        if (next !== undefined && !isJsonObject(next)) throw notAnObject(file, path, depth);
        holder = (next as JsonObject | undefined) ?? {};
      }
      try {
        current = setInText(current ?? '', path, value, style);
      } catch (error) {
        if (error instanceof NotAnObjectError) throw notAnObject(file, path, error.depth);
        throw error;
      }
      holder = data;
      for (const key of path.slice(0, -1)) {
        if (!isJsonObject(holder[key])) holder[key] = {};
        holder = holder[key] as JsonObject;
      }
      // What the text now holds, so `data` never differs from the file (undefined members dropped).
      holder[path[path.length - 1]!] = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
      changed = true;
    },
    remove(path) {
      const parent = valueAtPath(data, path.slice(0, -1));
      const key = path[path.length - 1]!;
      if (!isJsonObject(parent) || !Object.hasOwn(parent, key)) return false;
      current = removeFromText(current ?? '', path);
      delete parent[key];
      changed = true;
      return true;
    },
  };
}

/** Edits `file` in place; see the module comment. Host files are backed up once (options.backup). */
export async function editJsonFile<T>(file: string, edit: (doc: JsonDocument) => T | Promise<T>, options: UpdateOptions = {}): Promise<T> {
  return changeJsonFile(
    file,
    async ({ text, data }) => {
      const doc = createJsonDocument(file, text, data);
      const result = await edit(doc);
      return { text: doc.changed ? doc.text : undefined, result };
    },
    options,
  );
}
