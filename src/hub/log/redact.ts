/**
 * Keeps secrets out of the hub's logs, with the registry's rules (src/config/redact.ts) so the
 * CLI and the logs agree on what a secret is: the values an entry's `env`/`headers` hold under
 * secret-looking names (after expansion) are masked anywhere in a line, and in JSON-RPC
 * traffic the values of secret-named keys are masked wherever they appear.
 */
import { REDACTED, isSecretName, looksLikeSecretValue, redactKnownSecrets, secretValuesOf } from '../../config/redact.js';

export { secretValuesOf };

/** Protocol keys whose names look secret but hold none (MCP 2025-11-25 schema). */
const PROTOCOL_KEYS = new Set(['progressToken', 'maxTokens', 'cursor', 'nextCursor', 'keywords']);

export function redactText(text: string, secrets: readonly string[]): string {
  return secrets.length === 0 ? text : redactKnownSecrets(text, secrets);
}

/** A deep copy of a JSON value with secret-named keys and key-shaped values masked. */
export function redactJson(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return looksLikeSecretValue(value) ? REDACTED : value;
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactJson(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    out[key] = typeof item === 'string' && isSecretName(key) && !PROTOCOL_KEYS.has(key) ? REDACTED : redactJson(item, depth + 1);
  }
  return out;
}
