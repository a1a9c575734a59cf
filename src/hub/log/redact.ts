/**
 * Keeps secrets out of the hub's logs. Two rules: values of keys that name a secret
 * (token, secret, password, api key, authorization, cookie) are replaced wherever they
 * appear in a JSON-RPC message, and the values a server's entry puts in `env` or `headers`
 * are replaced anywhere in any line, because those are exactly the secrets a user handed us.
 * TODO: switch to the registry's helpers in src/config/redact.ts once they land, so the CLI
 * and the logs agree on what counts as a secret.
 */
import type { ServerEntry } from '../../config/types.js';

const SECRET_KEY = /(token|secret|password|passwd|api[-_]?key|authorization|cookie|credential|private[-_]?key)/i;
const MASK = '[REDACTED]';
/** Values this short are too likely to occur by chance ("1", "true") to be masked everywhere. */
const MIN_SECRET_LENGTH = 6;

export function secretValuesOf(entry: ServerEntry): string[] {
  const values: string[] = [];
  const maps = [entry.env, (entry as { headers?: unknown }).headers];
  for (const map of maps) {
    if (!map || typeof map !== 'object') continue;
    for (const value of Object.values(map as Record<string, unknown>)) {
      if (typeof value !== 'string') continue;
      // Authorization: "Bearer abc…" — the token is the secret, the scheme is not.
      const token = value.replace(/^(Bearer|Basic|Token)\s+/i, '');
      if (token.length >= MIN_SECRET_LENGTH) values.push(token);
    }
  }
  return values;
}

/** Replaces each known secret value in free text. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out;
}

/** A deep copy of a JSON value with secret-named keys masked. */
export function redactJson(value: unknown, depth = 0): unknown {
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactJson(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SECRET_KEY.test(key) && typeof item === 'string' ? MASK : redactJson(item, depth + 1);
  }
  return out;
}
