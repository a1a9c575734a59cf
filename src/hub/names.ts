/**
 * Names the hub gives upstream tools and prompts: `<prefix>__<name>`, the prefix being the
 * server's name unless the entry's `patchbay.prefix` says otherwise ('' for none). Hosts cap
 * tool names at 64 characters of [A-Za-z0-9_.-] (MCP 2025-11-25 "Tool names", SEP-986; the
 * Anthropic API allows 64 of [a-zA-Z0-9_-]), so a longer or odd name is shortened reversibly:
 * a readable head plus a hash of the full name. The way back is the catalog's map, not the hash.
 */
import { createHash } from 'node:crypto';

export const MAX_NAME_LENGTH = 64;
export const NAME_SEPARATOR = '__';
const SAFE_NAME = /^[A-Za-z0-9_.-]+$/;
const HASH_LENGTH = 8;

export function namespacedName(prefix: string, name: string): string {
  const full = prefix === '' ? name : `${prefix}${NAME_SEPARATOR}${name}`;
  if (full.length > 0 && full.length <= MAX_NAME_LENGTH && SAFE_NAME.test(full)) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, HASH_LENGTH);
  const head = full.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, MAX_NAME_LENGTH - HASH_LENGTH - 1);
  return `${head}_${hash}`;
}
