/**
 * The one redaction module: CLI output, logs, errors, the audit log and the traffic guard all
 * hide secrets by the same rules (../rules/). `text.ts` free text, `display.ts` server entries
 * and the secret values of an entry, `json.ts` JSON-RPC payloads in the debug log.
 */
export { REDACTED, createRedactor, redactKnownSecrets, redactText, type Redactor } from './text.js';
export {
  isOnlyReference,
  isSecretName,
  looksLikeSecretValue,
  maskSecretsInJsonLine,
  redactArgs,
  redactEntry,
  redactRecord,
  redactUrl,
  redactValue,
  secretValuesOf,
} from './display.js';
export { redactJson } from './json.js';
