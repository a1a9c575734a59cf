/**
 * Keeping secrets out of output. Used by `patchbay mcp get/list`, and meant for logs and error
 * messages everywhere: env values and headers whose names look secret, credentials in URLs
 * (user:pass@ and query parameters such as `key`, `token`, `sig`), `--token x` style arguments,
 * and values that look like well-known API keys. A value that is only a `${VAR}` reference holds
 * no secret (the secret is in the environment) and is shown, so users can see what is wired to what.
 */
import type { ServerEntry } from './types.js';
import { isStdioEntry } from './types.js';

export const REDACTED = '***';

const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|AUTH|COOKIE|CREDENTIAL|PRIVATE/i;
const SECRET_QUERY_PARAMS = new Set(['key', 'token', 'api_key', 'apikey', 'access_token', 'sig', 'signature', 'secret', 'password', 'code']);
/** Prefixes of widely used API keys: sk- (Anthropic, OpenAI), ghp_/github_pat_ (GitHub), xox?- (Slack), AKIA (AWS), AIza (Google), glpat- (GitLab). */
const SECRET_VALUE = /^(sk-|ghp_|gho_|ghs_|github_pat_|xox[abpr]-|AKIA[0-9A-Z]{12}|AIza|glpat-)/;
const REFERENCE = /\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}/g;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function looksLikeSecretValue(value: string): boolean {
  return SECRET_VALUE.test(value.trim().replace(/^(Bearer|Basic|Token)\s+/i, ''));
}

/** True when the value holds no literal secret: only ${VAR} references, maybe after "Bearer". */
export function isOnlyReference(value: string): boolean {
  if (!value.includes('${')) return false;
  const rest = value.replace(REFERENCE, '').trim();
  return rest === '' || /^(Bearer|Basic|Token)$/i.test(rest);
}

/** `${VAR:-literal}` carries its default in the file: that default is redacted, the name is not. */
function redactDefaults(value: string): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*):-[^}]*\}/g, (_w, name: string) => `\${${name}:-${REDACTED}}`);
}

/** The value to show for `name=value` (an env variable or a header). */
export function redactValue(name: string, value: string): string {
  if (isOnlyReference(value)) return redactDefaults(value);
  if (isSecretName(name) || looksLikeSecretValue(value)) return REDACTED;
  return redactUrl(value);
}

export function redactRecord(record: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!record) return undefined;
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, redactValue(k, v)]));
}

/**
 * Credentials inside a URL-looking string, edited as text (not through `new URL`, which would
 * re-encode `${VAR}` and change what the user wrote).
 */
export function redactUrl(value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim())) return value;
  let out = value.replace(/^(\s*[a-z][a-z0-9+.-]*:\/\/)([^/?#@\s]*)@/i, (_w, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon === -1 ? `${scheme}${REDACTED}@` : `${scheme}${userinfo.slice(0, colon)}:${REDACTED}@`;
  });
  out = out.replace(/([?&])([^=&#]+)=([^&#]*)/g, (whole, sep: string, key: string, val: string) => {
    const lower = decodeSafe(key).toLowerCase();
    if (isOnlyReference(decodeSafe(val))) return whole;
    return SECRET_QUERY_PARAMS.has(lower) || isSecretName(lower) ? `${sep}${key}=${REDACTED}` : whole;
  });
  return out;
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `--api-key=sk-…` → `--api-key=***`; the value after `--token` → `***`; URLs cleaned. */
export function redactArgs(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const inline = /^(--?[A-Za-z0-9_-]+)=(.*)$/s.exec(arg);
    if (inline) {
      out.push(`${inline[1]}=${redactValue(inline[1]!, inline[2]!)}`);
      continue;
    }
    const previous = out.length > 0 ? args[i - 1] : undefined;
    if (previous && /^--?[A-Za-z0-9_-]+$/.test(previous) && isSecretName(previous) && !isOnlyReference(arg)) {
      out.push(REDACTED);
      continue;
    }
    out.push(isOnlyReference(arg) ? redactDefaults(arg) : looksLikeSecretValue(arg) ? REDACTED : redactUrl(arg));
  }
  return out;
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

/** Replaces every occurrence of the given secret values in free text (stderr lines, reasons). */
export function redactKnownSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  return out;
}

/** The literal secret values of an entry after expansion, for redactKnownSecrets. */
export function secretValuesOf(entry: ServerEntry): string[] {
  const values: string[] = [];
  const record = isStdioEntry(entry) ? entry.env : entry.headers;
  for (const [k, v] of Object.entries(record ?? {})) {
    if (redactValue(k, v) === REDACTED) values.push(v.replace(/^(Bearer|Basic|Token)\s+/i, ''));
  }
  return values;
}

/**
 * A line of a JSON file shown under an error (syntax or schema): values of secret-looking keys and
 * values that look like API keys become `*` of the same length, so the caret under the column
 * still points at the right character.
 */
export function maskSecretsInJsonLine(line: string): string {
  const mask = (s: string) => '*'.repeat(s.length);
  let out = line.replace(/("((?:[^"\\]|\\.)*)"\s*:\s*")((?:[^"\\]|\\.)*)(")/g, (whole, head: string, key: string, value: string, tail: string) =>
    isSecretName(key) && !isOnlyReference(value) ? `${head}${mask(value)}${tail}` : whole,
  );
  out = out.replace(/"((?:[^"\\]|\\.)*)"/g, (whole, value: string) => (looksLikeSecretValue(value) ? `"${mask(value)}"` : whole));
  return out;
}
