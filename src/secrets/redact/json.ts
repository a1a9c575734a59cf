/**
 * Redaction of JSON values for the hub's debug log (JSON-RPC traffic, `PATCHBAY_LOG_LEVEL=debug`):
 * every string through the text rules (text.ts), and the value of a secret-named key that looks
 * like a credential masked whole. The traffic guard (../traffic/) uses the same rules with
 * `[REDACTED:rule-id]` markers and a policy; this is only for what is written to disk.
 */
import { isSecretName, looksLikeCredential } from '../rules/patchbay-rules.js';
import { REDACTED, redactText } from './text.js';

const MAX_DEPTH = 20;

/** A deep copy of a JSON value with secrets masked. */
export function redactJson(value: unknown, known: readonly string[] = [], depth = 0): unknown {
  if (typeof value === 'string') return redactText(value, known);
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactJson(item, known, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    out[key] = typeof item === 'string' && isSecretName(key) && looksLikeCredential(item) ? REDACTED : redactJson(item, known, depth + 1);
  }
  return out;
}
