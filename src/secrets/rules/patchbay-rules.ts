/**
 * Patchbay's own rules beside secretlint's preset (preset.ts):
 *
 *   secret-name      a field named like a secret (…_KEY, …TOKEN, SECRET, PASSWORD, Authorization)
 *                    that holds a literal: env variables, headers, JSON keys, `--api-key` flags
 *   api-key-prefix   a word with the prefix of a widely used key the preset has no rule for, or
 *                    finds only in its full length (sk-, ghp_, AIza, glpat-, AKIA, xox?-)
 *   url-credentials  the password of `scheme://user:pass@` and secret query parameters (`?api_key=`)
 *   stored-secret    a value of the user's own secret store (scanner.ts), whatever it looks like
 */

import { createAnchorSet } from './anchors.js';

/** Protocol keys whose names look secret but hold none (MCP 2025-11-25 schema, Anthropic API). */
const PROTOCOL_KEYS = new Set(['progresstoken', 'maxtokens', 'max_tokens', 'cursor', 'nextcursor', 'keywords', 'idempotencykey', 'cachekey']);

const SECRET_SEGMENTS = new Set([
  'key', 'apikey', 'token', 'secret', 'password', 'passwd', 'pwd', 'passphrase', 'credential', 'credentials',
  'auth', 'authorization', 'cookie', 'pat', 'privatekey', 'pem', 'sig', 'signature',
]);
const SECRET_SUFFIXES = ['token', 'secret', 'password', 'passwd', 'apikey', 'accesskey', 'secretkey', 'privatekey'];

/**
 * True for names that hold secrets by convention: a segment (split at `_`, `-`, `.` and camelCase)
 * is one of SECRET_SEGMENTS or ends with one of SECRET_SUFFIXES. `OPENAI_API_KEY`, `x-api-key`,
 * `clientSecret`, `DB_PASSWORD`, `Authorization`, `GITHUB_PAT`; not `MAX_TOKENS`, `keywords`, `KEYBOARD`.
 */
const SECRET_WORD = /key|token|secret|pass|pwd|auth|cookie|credential|pat|pem|sig/i;

export function isSecretName(name: string): boolean {
  // Most names have none of the words: one short regex answers for them.
  if (!SECRET_WORD.test(name)) return false;
  const lower = name.toLowerCase();
  if (PROTOCOL_KEYS.has(lower)) return false;
  const segments = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((s) => s !== '');
  return segments.some((s) => SECRET_SEGMENTS.has(s) || SECRET_SUFFIXES.some((suffix) => s.endsWith(suffix)));
}

/** `${VAR}`, `${VAR:-default}`, `${secret:NAME}`, `${cmd:…}`: a pointer to a value, not a value. */
export const REFERENCE = /\$\{(?:[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?|secret:[^}]*|cmd:[^}]*)\}/g;

/** True when the value holds no literal secret: only references, maybe after "Bearer". */
export function isOnlyReference(value: string): boolean {
  if (!value.includes('${')) return false;
  const rest = value.replace(REFERENCE, '').trim();
  return rest === '' || /^(Bearer|Basic|Token|Bot)$/i.test(rest);
}

/** Already masked: `***` or `[REDACTED:rule]`. Finding it again would mask the text around it. */
export function isMasked(value: string): boolean {
  return /^\*+$|^\[REDACTED(?::[^\]]*)?\]$/.test(value);
}

/** The value without an auth scheme word in front (`Bearer abc` → `abc`). */
export function stripScheme(value: string): string {
  return value.trim().replace(/^(Bearer|Basic|Token|Bot)\s+/i, '');
}

/**
 * Whether a literal under a secret name is worth reporting: not empty, not a reference, a
 * number, a boolean, a path, a plain URL or a placeholder (`<your key>`, `changeme`, `xxx`).
 * `strict` (traffic, where names are chosen by servers) also wants 12+ characters of a key alphabet.
 */
export function looksLikeCredential(value: string, strict = false): boolean {
  if (isOnlyReference(value)) return false;
  const v = stripScheme(value);
  if (v.length < (strict ? 12 : 6) || /\s/.test(v)) return false;
  if (/^(true|false|null|undefined|none|yes|no|on|off|enabled?|disabled?)$/i.test(v)) return false;
  if (/^[\d.,:_+-]+$/.test(v)) return false;
  if (/^(\/|~[/\\]|\.\.?[/\\]|[A-Za-z]:[/\\])/.test(v)) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return false;
  if (/^<.*>$|^\*+$|^x{3,}$|^\.{3}$|your[_-]?(api[_-]?)?(key|token|secret)|changeme|placeholder|^example|^dummy|^redacted/i.test(v)) return false;
  if (strict) {
    if (!/^[A-Za-z0-9_\-+/=.~:]+$/.test(v)) return false;
    if (!/[0-9]/.test(v) || !/[A-Za-z]/.test(v)) return false;
  }
  return true;
}

export interface Span {
  ruleId: string;
  start: number;
  end: number;
}

/**
 * Well-known key prefixes, for keys shorter or differently shaped than the preset's exact
 * formats (an old `sk-` key, a key cut short in an error message).
 */
const KEY_PREFIX = /(?<![A-Za-z0-9_-])(?:(?:sk|rk)-[A-Za-z0-9_-]{10,}|gh[pousr]_[A-Za-z0-9_]{10,}|github_pat_[A-Za-z0-9_]{10,}|xox[abpr]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{10,}|glpat-[0-9A-Za-z_-]{10,}|(?:AKIA|ASIA)[0-9A-Z]{16})(?![A-Za-z0-9_-])/g;
const KEY_PREFIX_ANCHORS = createAnchorSet(['sk-', 'rk-', 'ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_', 'xoxa-', 'xoxb-', 'xoxp-', 'xoxr-', 'AIza', 'glpat-', 'AKIA', 'ASIA']);
/** AWS's documented example key id is not a secret. */
const KNOWN_EXAMPLES = new Set(['AKIAIOSFODNN7EXAMPLE']);

export function apiKeyPrefixSpans(text: string): Span[] {
  if (!KEY_PREFIX_ANCHORS.has(text)) return [];
  const spans: Span[] = [];
  KEY_PREFIX.lastIndex = 0;
  for (let m = KEY_PREFIX.exec(text); m; m = KEY_PREFIX.exec(text)) {
    if (!KNOWN_EXAMPLES.has(m[0])) spans.push({ ruleId: 'api-key-prefix', start: m.index, end: m.index + m[0].length });
  }
  return spans;
}

/** Query parameters that carry credentials whatever isSecretName says (`code` is an OAuth code). */
/** Every name SECRET_QUERY_PARAMS or isSecretName accepts contains one of these (or a %-escape). */
const QUERY_WORD = /key|token|secret|pass|pwd|auth|cookie|credential|pat|pem|sig|code|%/i;
const SECRET_QUERY_PARAMS = new Set(['key', 'token', 'api_key', 'apikey', 'access_token', 'sig', 'signature', 'secret', 'password', 'code', 'auth']);
/** Character classes as lookup tables: a regex call per character would cost more than the scan. */
function table(chars: string, whitespace: boolean): Uint8Array {
  const t = new Uint8Array(128);
  for (const c of chars) t[c.charCodeAt(0)] = 1;
  if (whitespace) for (const c of ' \t\n\r\f\v') t[c.charCodeAt(0)] = 1;
  return t;
}
/** Ends the userinfo part of a URL. */
const URL_STOP = table('/?#@"\'<>', true);
/** Ends a query parameter's value. */
const VALUE_STOP = table('&#"\'<>;,()`', true);
/** Cannot be part of a query parameter's name. */
const KEY_STOP = table('=&#"\'<>?', true);
const isIn = (t: Uint8Array, code: number) => code < 128 && t[code] === 1;

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Spans of URL credentials in free text: each span is the secret part only (the password, the
 * parameter's value). Found with indexOf loops rather than a regex: a megabyte of JSON full of
 * URLs and `&` costs a regex over every `?` and `&` ten times more.
 */
export function urlCredentialSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (let at = text.indexOf('://'); at !== -1; at = text.indexOf('://', at + 3)) {
    // userinfo: scheme://user:password@host
    let end = at + 3;
    const limit = Math.min(text.length, at + 3 + 512);
    while (end < limit && !isIn(URL_STOP, text.charCodeAt(end))) end++;
    if (text[end] !== '@') continue;
    let colon = at + 3;
    while (colon < end && text.charCodeAt(colon) !== 58 /* : */) colon++;
    if (colon >= end) continue;
    const password = text.slice(colon + 1, end);
    if (password === '' || isMasked(password) || isOnlyReference(decodeSafe(password))) continue;
    spans.push({ ruleId: 'url-credentials', start: colon + 1, end });
  }
  for (let eq = text.indexOf('='); eq !== -1; eq = text.indexOf('=', eq + 1)) {
    // ?name=value or &name=value
    let keyStart = eq;
    while (keyStart > 0 && eq - keyStart < 64 && !isIn(KEY_STOP, text.charCodeAt(keyStart - 1))) keyStart--;
    const sep = text[keyStart - 1];
    if (keyStart === eq || (sep !== '?' && sep !== '&')) continue;
    const rawKey = text.slice(keyStart, eq);
    if (!QUERY_WORD.test(rawKey)) continue;
    const key = rawKey.includes('%') ? decodeSafe(rawKey) : rawKey;
    if (!SECRET_QUERY_PARAMS.has(key.toLowerCase()) && !isSecretName(key)) continue;
    let valueEnd = eq + 1;
    while (valueEnd < text.length && !isIn(VALUE_STOP, text.charCodeAt(valueEnd))) valueEnd++;
    const value = text.slice(eq + 1, valueEnd);
    if (value === '' || isMasked(value) || isOnlyReference(decodeSafe(value))) continue;
    spans.push({ ruleId: 'url-credentials', start: eq + 1, end: valueEnd });
  }
  return spans;
}
