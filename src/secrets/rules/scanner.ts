/**
 * Every secret rule over one string: the user's known secrets (stored secrets, an entry's own
 * values), secretlint's preset (preset.ts) and Patchbay's rules (patchbay-rules.ts). What comes
 * back are spans (rule id, start, end), never the values, merged so that overlapping findings
 * become one (the first rule to start there names it). Synchronous and cheap for text without
 * secrets: a few literal searches, the preset's prefilter and two regexes.
 */
import { presetHits, PRESET_SCANNERS, shortRuleId } from './preset.js';
import { apiKeyPrefixSpans, urlCredentialSpans, type Span } from './patchbay-rules.js';

export type { Span } from './patchbay-rules.js';

/** Values shorter than this are not treated as secrets: "true" or "1234" would match everywhere. */
export const MIN_KNOWN_LENGTH = 4;

export interface KnownSecrets {
  /** Values to find wherever they occur, longest first. */
  readonly values: readonly string[];
  /** The rule id reported for them (`stored-secret` for the secret store, `entry-secret` for an entry's own values). */
  readonly ruleId: string;
}

export function knownSecrets(values: Iterable<string>, ruleId = 'stored-secret'): KnownSecrets {
  const unique = [...new Set([...values].filter((v) => typeof v === 'string' && v.length >= MIN_KNOWN_LENGTH))];
  return { values: unique.sort((a, b) => b.length - a.length), ruleId };
}

export interface ScanOptions {
  known?: readonly KnownSecrets[];
  /** A file extension (".json") for the preset's file-type rules. */
  ext?: string;
}

function knownSpans(text: string, known: KnownSecrets, out: Span[]): void {
  for (const value of known.values) {
    for (let i = text.indexOf(value); i !== -1; i = text.indexOf(value, i + value.length)) {
      out.push({ ruleId: known.ruleId, start: i, end: i + value.length });
    }
  }
}

/** Sorted by start; a span inside or overlapping an earlier one is folded into it. */
function merge(spans: Span[]): Span[] {
  if (spans.length <= 1) return spans;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [spans[0]!];
  for (let i = 1; i < spans.length; i++) {
    const span = spans[i]!;
    const last = out[out.length - 1]!;
    if (span.start < last.end) last.end = Math.max(last.end, span.end);
    else out.push({ ...span });
  }
  return out;
}

/** Every secret in `text`, as merged spans. */
export function findSecrets(text: string, options: ScanOptions = {}): Span[] {
  if (text.length < MIN_KNOWN_LENGTH) return [];
  const spans: Span[] = [];
  for (const known of options.known ?? []) knownSpans(text, known, spans);
  for (const hit of presetHits(text, options.ext)) spans.push(hit);
  for (const span of apiKeyPrefixSpans(text)) spans.push(span);
  for (const span of urlCredentialSpans(text)) spans.push(span);
  return merge(spans);
}

/** `text` with every span replaced by `mask(ruleId)`. */
export function replaceSpans(text: string, spans: readonly Span[], mask: (ruleId: string) => string): string {
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const span of spans) {
    out += text.slice(at, span.start) + mask(span.ruleId);
    at = span.end;
  }
  return out + text.slice(at);
}

/** The ids of every rule in use, for `patchbay secrets rules`, the README and the report. */
export function ruleIds(): string[] {
  return [...PRESET_SCANNERS.map((r) => shortRuleId(r.meta.id)), 'api-key-prefix', 'url-credentials', 'secret-name', 'stored-secret'];
}
