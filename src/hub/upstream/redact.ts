/**
 * Secret redaction for what an upstream says about itself (stderr, error messages). The secrets
 * are the values the user put in the entry's `env` and `headers` (after expansion): a server
 * that echoes its API key on start-up must not leak it into `patchbay doctor` or a log.
 */
import type { ServerEntry } from '../../config/types.js';
import { isStdioEntry } from '../../config/types.js';

export type Redactor = (text: string) => string;

/** Values shorter than this are not treated as secrets ("1", "true" would redact everything). */
const MIN_SECRET_LENGTH = 4;

export function secretValuesOf(entry: ServerEntry): string[] {
  const values: string[] = [];
  if (isStdioEntry(entry)) {
    values.push(...Object.values(entry.env ?? {}));
  } else {
    for (const value of Object.values(entry.headers ?? {})) {
      values.push(value);
      // "Bearer abc123": the token alone can also appear in an error message.
      const token = /^\s*\S+\s+(\S+)\s*$/.exec(value)?.[1];
      if (token) values.push(token);
    }
    if (entry.oauth?.clientSecret) values.push(entry.oauth.clientSecret);
  }
  return values.filter((v) => typeof v === 'string' && v.length >= MIN_SECRET_LENGTH);
}

export function createRedactor(secrets: readonly string[]): Redactor {
  // Longest first, so a secret that contains another is replaced whole.
  const sorted = [...new Set(secrets)].sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const secret of sorted) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out;
  };
}
