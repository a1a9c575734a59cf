/**
 * `${VAR}` and `${VAR:-default}` expansion, as Claude Code does it when it connects
 * (claude-code-config-files.md): in command, args, env values, url and header values; `$VAR`
 * is left alone; a `${VAR}` with no value and no default stays literal and is reported, so the
 * health check can say "GITHUB_TOKEN is not set" instead of "401". Files are never rewritten.
 * `${secret:NAME}` and `${cmd:COMMAND}` (src/secrets/references.ts) are resolved beforehand,
 * asynchronously, and substituted here in the same pass, so a value is never expanded twice;
 * without resolved values they stay as written.
 */
import type { ServerEntry } from './types.js';
import { isStdioEntry } from './types.js';

export interface Expansion {
  entry: ServerEntry;
  /** Variables referenced as ${VAR} with no value and no default. */
  missing: string[];
}

const REFERENCE = /\$\{(?:(?:secret|cmd):[^}]*|([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?)\}/g;

/** Values of `${secret:…}` and `${cmd:…}` references, keyed by the reference as written. */
export type ResolvedReferences = ReadonlyMap<string, string>;

export function expandString(value: string, env: NodeJS.ProcessEnv, missing: Set<string>, resolved?: ResolvedReferences): string {
  return value.replace(REFERENCE, (whole, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return resolved?.get(whole) ?? whole;
    const found = env[name];
    // Shell semantics of ":-": the default applies when the variable is unset or empty.
    if (fallback !== undefined) return found ? found : fallback;
    if (found !== undefined) return found;
    missing.add(name);
    return whole;
  });
}

function expandRecord(record: Record<string, string> | undefined, env: NodeJS.ProcessEnv, missing: Set<string>, resolved?: ResolvedReferences) {
  if (!record) return undefined;
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, expandString(v, env, missing, resolved)]));
}

export function expandEntry(entry: ServerEntry, env: NodeJS.ProcessEnv = process.env, resolved?: ResolvedReferences): Expansion {
  const missing = new Set<string>();
  let expanded: ServerEntry;
  if (isStdioEntry(entry)) {
    expanded = {
      ...entry,
      command: expandString(entry.command, env, missing, resolved),
      ...(entry.args ? { args: entry.args.map((a) => expandString(a, env, missing, resolved)) } : {}),
      ...(entry.env ? { env: expandRecord(entry.env, env, missing, resolved) } : {}),
    };
  } else {
    expanded = {
      ...entry,
      url: expandString(entry.url, env, missing, resolved),
      ...(entry.headers ? { headers: expandRecord(entry.headers, env, missing, resolved) } : {}),
    };
  }
  return { entry: expanded, missing: [...missing] };
}
