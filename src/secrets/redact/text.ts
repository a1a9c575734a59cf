/**
 * Redaction of free text: log lines, a server's stderr, error messages, reasons in `mcp list`
 * and `doctor`. Masks the known secrets given (an entry's own values after expansion, stored
 * secrets a reference resolved to) and whatever a secret rule finds (rules/scanner.ts), so the
 * CLI, the logs, errors and the audit log all hide the same things.
 */
import { findSecrets, knownSecrets, replaceSpans } from '../rules/scanner.js';

/** What replaces a secret in text meant for people: CLI output, logs, errors. */
export const REDACTED = '***';

export type Redactor = (text: string) => string;

/** `text` with known secrets and rule findings replaced by `***`. */
export function redactText(text: string, known: Iterable<string> = []): string {
  const spans = findSecrets(text, { known: [knownSecrets(known, 'entry-secret')] });
  return replaceSpans(text, spans, () => REDACTED);
}

/** The older name, kept for the proxy's callers. */
export const redactKnownSecrets = redactText;

/**
 * A redactor over a list of secrets that may change: the hub fills the list anew on every start
 * attempt (a `${TOKEN}` becomes a secret value only once expanded), so it is read on each call.
 */
export function createRedactor(secrets: readonly string[]): Redactor {
  return (text) => redactText(text, secrets);
}
