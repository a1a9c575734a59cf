/**
 * Tool names as providers accept them. OpenAI and Gemini limit function names to 64 characters
 * of [a-zA-Z0-9_-] (Gemini also allows '.' and ':'), while MCP tools reached through Claude Code
 * are named `mcp__<server>__<tool>` and can be longer. Long or odd names are shortened
 * reversibly: a readable head plus a hash of the full name, and the map remembers the way back
 * for the one request it was built for.
 */
import { createHash } from 'node:crypto';
import type { ToolNameMap } from './provider.js';

const MAX_LENGTH = 64;
const SAFE = /^[a-zA-Z0-9_-]+$/;

export function createToolNameMap(names: Iterable<string>): ToolNameMap {
  const toUpstream = new Map<string, string>();
  const fromUpstream = new Map<string, string>();
  for (const name of names) {
    const short = shortenToolName(name);
    toUpstream.set(name, short);
    fromUpstream.set(short, name);
  }
  return {
    toUpstream: (name) => toUpstream.get(name) ?? shortenToolName(name),
    fromUpstream: (name) => fromUpstream.get(name) ?? name,
  };
}

export function shortenToolName(name: string): string {
  if (name.length <= MAX_LENGTH && SAFE.test(name)) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 10);
  const head = name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, MAX_LENGTH - hash.length - 1);
  return `${head}_${hash}`;
}
