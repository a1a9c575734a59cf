/**
 * Ignore rules for servers whose definitions legitimately change — a host name, a home path or
 * a version in a description — declared in the entry's `patchbay` options:
 *
 *   "pinIgnore": {
 *     "patterns": ["/home/[^/ ]+", "v\\d+\\.\\d+\\.\\d+"],      regexes over description and title text
 *     "paths": ["inputSchema.properties.*.default", "annotations.title"]   fields left out
 *   }
 *
 * Both apply before hashing, to the stored pin and the new definition alike, so changing the
 * rules never makes every pin look changed. Scanning still reads the whole definition: an
 * ignored part cannot smuggle instructions past the scanner.
 */
import type { Definition } from './definition.js';

export interface PinIgnoreOptions {
  /** JavaScript regular expressions; each match in a `description` or `title` (at any depth) is replaced before hashing. */
  patterns?: string[];
  /** Dotted paths into the definition (`*` is any one key or index); the value there is left out before hashing. */
  paths?: string[];
}

export interface IgnoreRules {
  readonly empty: boolean;
  apply(definition: Definition): Definition;
}

export const NO_IGNORE: IgnoreRules = { empty: true, apply: (d) => d };

const TEXT_KEYS = new Set(['description', 'title']);

/** Compiles the rules once per server; an invalid regex was already refused by the config schema. */
export function compileIgnore(options: PinIgnoreOptions | undefined): IgnoreRules {
  // A broken pattern (one that slipped past the schema) ignores nothing: fewer ignores, more held back.
  const patterns = (options?.patterns ?? []).flatMap((source) => {
    try {
      return [new RegExp(source, 'gu')];
    } catch {
      return [];
    }
  });
  const paths = (options?.paths ?? []).map((p) => p.split('.').filter((s) => s !== ''));
  if (patterns.length === 0 && paths.length === 0) return NO_IGNORE;

  const scrub = (node: unknown, key: string | undefined): unknown => {
    if (typeof node === 'string') {
      if (key === undefined || !TEXT_KEYS.has(key)) return node;
      return patterns.reduce((text, re) => text.replace(re, '\u2026'), node);
    }
    if (Array.isArray(node)) return node.map((child) => scrub(child, undefined));
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = scrub(v, k);
    return out;
  };

  const drop = (node: unknown, segments: readonly string[]): void => {
    if (node === null || typeof node !== 'object' || segments.length === 0) return;
    const [head, ...rest] = segments as [string, ...string[]];
    const record = node as Record<string, unknown>;
    const keys = head === '*' ? Object.keys(record) : [head];
    for (const key of keys) {
      if (!(key in record)) continue;
      if (rest.length === 0) {
        if (Array.isArray(node)) record[key] = null;
        else delete record[key];
      } else drop(record[key], rest);
    }
  };

  return {
    empty: false,
    apply(definition) {
      const copy = (patterns.length > 0 ? scrub(definition, undefined) : structuredClone(definition)) as Definition;
      for (const segments of paths) drop(copy, segments);
      return copy;
    },
  };
}
