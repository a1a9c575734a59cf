/**
 * A server may quote its own credentials in a definition (a URL with a token, a key it was
 * given): findings, refusals, logs and `pins diff` must never repeat them. The secrets are the
 * entry's own values (env, headers) after expansion; excerpts are folded to lower case, so they
 * are matched without regard to case, which is the one thing this adds to the shared redaction
 * module (src/secrets/redact/) whose REDACTED mark and entry secrets it uses.
 */
import { expandEntry } from '../../config/registry.js';
import { REDACTED, secretValuesOf } from '../../secrets/redact/index.js';
import type { ScopedServer } from '../../config/types.js';

export type Redactor = (text: string) => string;

const KEEP: Redactor = (text) => text;

export function createSecretRedactor(secrets: readonly string[]): Redactor {
  const values = [...new Set(secrets)].filter((v) => v.length >= 4);
  if (values.length === 0) return KEEP;
  const pattern = new RegExp(values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');
  return (text) => text.replace(pattern, REDACTED);
}

export function entrySecrets(server: ScopedServer, env: NodeJS.ProcessEnv = process.env): string[] {
  return secretValuesOf(expandEntry(server.entry, env).entry);
}
