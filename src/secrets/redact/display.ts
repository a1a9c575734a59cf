/**
 * Redaction of server entries for display (`patchbay mcp get/list`, `add` confirmations, error
 * source lines) and the list of an entry's secret values that free-text redaction masks in logs
 * and errors (secretValuesOf). Both go by the same rules: a field named like a secret holds
 * one (rules/patchbay-rules.ts, isSecretName), and so does anything a secret rule finds in a
 * value (rules/scanner.ts). A value that is only a reference (`${VAR}`, `${secret:NAME}`) holds
 * no secret and is shown, so users can see what is wired to what.
 */
import type { ServerEntry } from '../../config/types.js';
import { isStdioEntry } from '../../config/types.js';
import { isOnlyReference, isSecretName, stripScheme } from '../rules/patchbay-rules.js';
import { findSecrets, replaceSpans, type Span } from '../rules/scanner.js';
import { REDACTED } from './text.js';

export { isOnlyReference, isSecretName } from '../rules/patchbay-rules.js';

/** True when a secret rule finds something in the value (a key prefix, a token format, URL credentials). */
export function looksLikeSecretValue(value: string): boolean {
  return findSecrets(stripScheme(value)).length > 0;
}

/** `${VAR:-literal}` carries its default in the file: that default is redacted, the name is not. */
function redactDefaults(value: string): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*):-[^}]*\}/g, (_w, name: string) => `\${${name}:-${REDACTED}}`);
}

/** The value to show for `name=value` (an env variable or a header). */
export function redactValue(name: string, value: string): string {
  if (isOnlyReference(value)) return redactDefaults(value);
  if (isSecretName(name) && value !== '') return REDACTED;
  return replaceSpans(value, findSecrets(value), () => REDACTED);
}

export function redactRecord(record: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!record) return undefined;
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, redactValue(k, v)]));
}

/** Credentials inside a URL-looking string, edited as text (`new URL` would re-encode `${VAR}`). */
export function redactUrl(value: string): string {
  if (!/^\s*[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  return replaceSpans(value, findSecrets(value), () => REDACTED);
}

const FLAG = /^--?[A-Za-z0-9_-]+$/;
const INLINE_FLAG = /^(--?[A-Za-z0-9_-]+)=(.*)$/s;
/** `--auth-env api_key=PET_KEY`, `--token-env GH_TOKEN`: the flag names the variable that holds the secret, not the secret. */
const ENV_NAME_FLAG = /[-_](env|var)$/i;
const ENV_NAMES = /^([A-Za-z0-9_.-]+=)?[A-Za-z_][A-Za-z0-9_]*(:[A-Za-z_][A-Za-z0-9_]*)?$/;

/** A secret-named flag whose value is only variable names: shown, so users see what is wired to what. */
function namesVariables(flag: string, value: string): boolean {
  return ENV_NAME_FLAG.test(flag) && ENV_NAMES.test(value);
}

/** For each argument, the spans that hold a secret: `--api-key=X`, the value after `--token`, rule findings. */
function argSpans(args: readonly string[]): Span[][] {
  return args.map((arg, i) => {
    if (isOnlyReference(arg)) return [];
    const inline = INLINE_FLAG.exec(arg);
    if (inline && isSecretName(inline[1]!) && inline[2] !== '' && !isOnlyReference(inline[2]!) && !namesVariables(inline[1]!, inline[2]!)) {
      return [{ ruleId: 'secret-name', start: inline[1]!.length + 1, end: arg.length }];
    }
    const previous = i > 0 ? args[i - 1]! : undefined;
    if (previous && FLAG.test(previous) && isSecretName(previous) && !FLAG.test(arg) && !namesVariables(previous, arg)) return [{ ruleId: 'secret-name', start: 0, end: arg.length }];
    return findSecrets(arg);
  });
}

/** `--api-key=sk-…` → `--api-key=***`; the value after `--token` → `***`; URLs and keys masked. */
export function redactArgs(args: readonly string[]): string[] {
  const spans = argSpans(args);
  return args.map((arg, i) => (isOnlyReference(arg) ? redactDefaults(arg) : replaceSpans(arg, spans[i]!, () => REDACTED)));
}

/** A copy of the entry that is safe to print. */
export function redactEntry(entry: ServerEntry): ServerEntry {
  if (isStdioEntry(entry)) {
    return {
      ...entry,
      ...(entry.args ? { args: redactArgs(entry.args) } : {}),
      ...(entry.env ? { env: redactRecord(entry.env) } : {}),
    };
  }
  return {
    ...entry,
    url: redactUrl(entry.url),
    ...(entry.headers ? { headers: redactRecord(entry.headers) } : {}),
    ...(entry.oauth?.clientSecret !== undefined ? { oauth: { ...entry.oauth, clientSecret: REDACTED } } : {}),
  };
}

function fieldSecrets(name: string, value: string, out: string[]): void {
  if (typeof value !== 'string' || value === '' || isOnlyReference(value)) return;
  if (isSecretName(name)) {
    out.push(value);
    // "Bearer abc123": the token alone can appear in an error message too.
    const bare = stripScheme(value);
    if (bare !== value) out.push(bare);
    return;
  }
  for (const span of findSecrets(value)) out.push(value.slice(span.start, span.end));
}

/**
 * The literal secret values of an entry (after expansion), for free-text redaction of what the
 * server or a fetch says: values of secret-named env variables and headers, secrets the rules
 * find in any value, secret arguments, URL credentials and the OAuth client secret.
 */
export function secretValuesOf(entry: ServerEntry): string[] {
  const values: string[] = [];
  if (isStdioEntry(entry)) {
    for (const [k, v] of Object.entries(entry.env ?? {})) fieldSecrets(k, v, values);
    const args = entry.args ?? [];
    argSpans(args).forEach((spans, i) => {
      for (const span of spans) values.push(args[i]!.slice(span.start, span.end));
    });
  } else {
    for (const [k, v] of Object.entries(entry.headers ?? {})) fieldSecrets(k, v, values);
    for (const span of findSecrets(entry.url)) values.push(entry.url.slice(span.start, span.end));
    if (entry.oauth?.clientSecret) values.push(entry.oauth.clientSecret);
  }
  return [...new Set(values)];
}

/**
 * A line of a JSON file shown under an error (syntax or schema): values of secret-named keys and
 * secrets the rules find become `*` of the same length, so the caret under the column still
 * points at the right character.
 */
export function maskSecretsInJsonLine(line: string): string {
  const mask = (s: string) => '*'.repeat(s.length);
  const out = line.replace(/("((?:[^"\\]|\\.)*)"\s*:\s*")((?:[^"\\]|\\.)*)(")/g, (whole, head: string, key: string, value: string, tail: string) =>
    isSecretName(key) && value !== '' && !isOnlyReference(value) ? `${head}${mask(value)}${tail}` : whole,
  );
  return maskSpans(out);
}

/** Each span becomes as many `*` as it has characters. */
function maskSpans(line: string): string {
  let out = line;
  for (const span of findSecrets(line)) out = out.slice(0, span.start) + '*'.repeat(span.end - span.start) + out.slice(span.end);
  return out;
}
