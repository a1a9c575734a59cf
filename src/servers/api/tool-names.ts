/**
 * Tool names from operations: the operationId in snake_case (or `method_path` when a spec gives
 * none), at most 64 characters (MCP 2025-11-25, server/tools: names SHOULD be 1–64 characters of
 * A–Z a–z 0–9 _ - .; several hosts refuse longer ones). A name that had to be shortened, or that
 * two operations would share, ends in `_` and 8 hex digits of the SHA-256 of the operation's key,
 * so the same spec gives the same names on every load, whatever order operations come in.
 */
import { createHash } from 'node:crypto';

export const MAX_TOOL_NAME = 64;
const HASH_LENGTH = 8;

export function snakeCase(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

export function stableHash(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, HASH_LENGTH);
}

function withHash(base: string, key: string): string {
  const room = MAX_TOOL_NAME - HASH_LENGTH - 1;
  const head = base.slice(0, room).replace(/_+$/, '') || 'op';
  return `${head}_${stableHash(key)}`;
}

export interface NameRequest {
  /** What identifies the operation for good: its operationId, else `METHOD path`. */
  key: string;
  /** The operationId, or `method path` to be snake_cased. */
  label: string;
}

/** key → tool name, for every operation at once (collisions are decided over the whole set). */
export function assignToolNames(requests: NameRequest[]): Map<string, string> {
  const base = new Map<string, string>();
  const count = new Map<string, number>();
  for (const { key, label } of requests) {
    const name = snakeCase(label) || 'op';
    base.set(key, name);
    count.set(name, (count.get(name) ?? 0) + 1);
  }
  const names = new Map<string, string>();
  for (const [key, name] of base) {
    names.set(key, name.length > MAX_TOOL_NAME || (count.get(name) ?? 0) > 1 ? withHash(name, key) : name);
  }
  return names;
}
