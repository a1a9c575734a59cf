/**
 * secretlint's recommended preset (@secretlint/secretlint-rule-preset-recommend), run in the
 * request path without secretlint's core. The rules are the preset's own code — the same
 * creators `@secretlint/core` runs for `patchbay scan --secrets` — called directly with a
 * minimal rule context, so a check is synchronous and costs only the rules' regexes (core's
 * per-call set-up costs about 0.9 ms on 10 KB; see bench/secrets/).
 *
 * Most text holds no secret at all, so each string first meets a prefilter: the literal anchors
 * every rule's patterns start from (ANCHORS, one entry per scanner rule; a test checks that the
 * list matches the preset, so an upgrade that adds a rule fails until its anchors are added).
 * Only text with an anchor runs the rules, and a long string only in windows around its anchors.
 */
import { rules as presetRules } from '@secretlint/secretlint-rule-preset-recommend';
import { createAnchorSet } from './anchors.js';
import type { SecretLintRuleContext, SecretLintRuleCreator, SecretLintRuleReportHandler } from '@secretlint/types';

export interface RuleHit {
  /** Short rule id: `anthropic` for `@secretlint/secretlint-rule-anthropic`. */
  ruleId: string;
  start: number;
  end: number;
}

const PREFIX = '@secretlint/secretlint-rule-';

export function shortRuleId(id: string): string {
  return id.startsWith(PREFIX) ? id.slice(PREFIX.length) : id;
}

/**
 * What each scanner rule of the preset looks for first, read from the rule's source (11.7.1):
 * literal words that every match contains, searched with `includes` (a regex alternation of
 * them costs ten times more on a megabyte). `url: true` rules match URLs, found by `urlAnchor`.
 */
export const ANCHORS: Readonly<Record<string, { words?: readonly string[]; url?: boolean }>> = {
  // (?:SECRET|secret|Secret)_?(?:ACCESS|access|Access)_?(?:KEY|key|Key): every form has ccess or CCESS
  aws: { words: ['ccess', 'CCESS'] },
  gcp: { words: ['PRIVATE KEY'] },
  privatekey: { words: ['PRIVATE KEY'] },
  // https://TOKEN:x-oauth-basic@github.com/ is a user:pass@ URL: the url anchor finds it
  npm: { words: ['npm_', '_authToken'], url: true },
  basicauth: { url: true },
  // tokens, and incoming webhooks (https://hooks.slack.com/services/…, any case)
  slack: { words: ['xoxb-', 'xoxp-', 'xapp-', 'xoxa-', 'xoxo-', 'xoxr-'], url: true },
  sendgrid: { words: ['SG.'] },
  shopify: { words: ['shppa_', 'shpca_', 'shpat_', 'shpss_'] },
  github: { words: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'] },
  openai: { words: ['T3BlbkFJ'] },
  anthropic: { words: ['sk-ant-api0'] },
  linear: { words: ['lin_api_'] },
  '1password': { words: ['ops_ey'] },
  // mongodb(+srv)://, (jdbc:)mysql(x)://, postgres(ql):// in any case
  'database-connection-string': { url: true },
};

const WORDS = createAnchorSet(Object.values(ANCHORS).flatMap((a) => a.words ?? []));
const DB_SCHEMES = ['mongodb', 'mongodb+srv', 'mysql', 'mysqlx', 'postgres', 'postgresql'];

/** `[-A-Za-z0-9_]`, the characters of basic auth's user and password. */
function isWordCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
}

/** The end of a run of word characters from `from` (at most `max` long). */
function wordRun(text: string, from: number, max: number): number {
  const limit = Math.min(text.length, from + max);
  let i = from;
  while (i < limit && isWordCode(text.charCodeAt(i))) i++;
  return i;
}

/**
 * A `://` the URL rules could match at: `user:pass@` after it (basic auth), Slack's webhook host
 * after it, or a database scheme before it. Character checks, no slices or regexes: a page of
 * HTML has thousands of URLs.
 */
function urlAnchor(text: string, at: number): boolean {
  const userEnd = wordRun(text, at + 3, 256);
  if (userEnd > at + 3 && text.charCodeAt(userEnd) === 58 /* : */) {
    const passEnd = wordRun(text, userEnd + 1, 256);
    if (passEnd > userEnd + 1 && text.charCodeAt(passEnd) === 64 /* @ */) return true;
  }
  const next = text.charCodeAt(at + 3) | 0x20;
  if (next === 104 /* h */ && text.slice(at + 3, at + 18).toLowerCase() === 'hooks.slack.com') return true;
  const last = text.charCodeAt(at - 1) | 0x20;
  // The schemes end in b, v (+srv), l, x or s; "https" ends in s too, hence the full compare.
  if (last !== 98 && last !== 118 && last !== 108 && last !== 120 && last !== 115) return false;
  const before = text.slice(Math.max(0, at - 11), at).toLowerCase();
  return DB_SCHEMES.some((scheme) => before.endsWith(scheme));
}

/** Offsets where an anchor occurs, in order. */
export function anchorOffsets(text: string): number[] {
  const offsets = WORDS.offsets(text);
  for (let i = text.indexOf('://'); i !== -1; i = text.indexOf('://', i + 3)) if (urlAnchor(text, i)) offsets.push(i);
  return offsets.sort((a, b) => a - b);
}

export function hasAnchor(text: string): boolean {
  if (WORDS.has(text)) return true;
  for (let i = text.indexOf('://'); i !== -1; i = text.indexOf('://', i + 3)) if (urlAnchor(text, i)) return true;
  return false;
}

/**
 * The rules that find secrets. The preset also holds `filter-comments`, which only turns findings
 * off after a `secretlint-disable` comment: honoured in files (`patchbay scan` runs the core),
 * never in traffic, where a server could write the comment to switch the scan off.
 */
export const PRESET_SCANNERS: readonly SecretLintRuleCreator[] = (presetRules as unknown as SecretLintRuleCreator[]).filter(
  (r) => r.meta.type === 'scanner' && r.meta.id !== '@secretlint/secretlint-rule-filter-comments',
);

interface Instance {
  ruleId: string;
  handler: SecretLintRuleReportHandler;
}

let instances: Instance[] | undefined;
let sink: RuleHit[] = [];

/** One handler per rule, created once: the handlers keep no state between files. */
function ruleInstances(): Instance[] {
  instances ??= PRESET_SCANNERS.map((rule) => {
    const ruleId = shortRuleId(rule.meta.id);
    const context: SecretLintRuleContext = {
      sharedOptions: {},
      // The translated message would hold the secret itself; only the rule and range are kept.
      createTranslator: (() => (messageId: string) => ({ message: '', messageId, data: {} })) as unknown as SecretLintRuleContext['createTranslator'],
      report: (descriptor) => void sink.push({ ruleId, start: descriptor.range[0], end: descriptor.range[1] }),
      ignore: () => undefined,
    };
    return { ruleId, handler: rule.create(context, {}) };
  });
  return instances;
}

function runRules(content: string, ext: string): RuleHit[] {
  const hits: RuleHit[] = [];
  sink = hits;
  const source = { content, ext, filePath: '', contentType: 'text' } as unknown as Parameters<NonNullable<SecretLintRuleReportHandler['file']>>[0];
  for (const { handler } of ruleInstances()) {
    // Every scanner is synchronous for text; only the GCP rule's .p12 branch is async, and it
    // needs a file path this source does not have.
    try {
      void handler.file?.(source);
    } catch {
      // A rule that trips over odd input must not fail the call; the other rules still ran.
    }
  }
  return hits.map((hit) => narrow(content, hit));
}

const AWS_KEY = /(?:SECRET|secret|Secret)_?(?:ACCESS|access|Access)_?(?:KEY|key|Key)["']?\s*(?::|=>|=)\s*["']?([A-Za-z0-9/+=]{40})/;
const URL_PASSWORD = /:\/\/[^:/@\s]*:([^@/\s]+)@/;

/**
 * The part of a hit that is the secret. The AWS rule reports the key's length from the start of
 * the name (11.7.1), which would leave the key's end visible; the URL rules report the whole
 * URL, where only the password is secret (`https://alice:***@host` still says which host).
 */
function narrow(content: string, hit: RuleHit): RuleHit {
  const pattern = hit.ruleId === 'aws' ? AWS_KEY : hit.ruleId === 'basicauth' || hit.ruleId === 'database-connection-string' ? URL_PASSWORD : undefined;
  if (!pattern) return hit;
  const region = content.slice(hit.start, hit.ruleId === 'aws' ? hit.start + 400 : hit.end);
  const m = pattern.exec(region);
  if (!m) return hit;
  const start = hit.start + m.index + m[0].length - m[1]!.length - (hit.ruleId === 'aws' ? 0 : 1);
  return { ruleId: hit.ruleId, start, end: start + m[1]!.length };
}

/** Strings up to this size are checked whole; longer ones in windows around their anchors. */
const WHOLE_LIMIT = 64 * 1024;
/** A match starts at most this far before its anchor (a quote and `aws_` before the AWS name)… */
const BEFORE = 1024;
/** …and ends at most this far after it (a PEM private key block runs up to 10,000 characters). */
const AFTER = 16 * 1024;
/** Anchors close together share a window, up to this size. */
const WINDOW_LIMIT = 256 * 1024;

/** Every hit of the preset's scanner rules in `text`; `ext` (".json") enables file-type rules. */
export function presetHits(text: string, ext = ''): RuleHit[] {
  if (!hasAnchor(text)) return [];
  if (text.length <= WHOLE_LIMIT) return runRules(text, ext);
  // Each window reaches from BEFORE its first anchor to AFTER its last, so every match that
  // starts near an anchor lies whole inside one window.
  const windows: [number, number][] = [];
  for (const offset of anchorOffsets(text)) {
    const last = windows[windows.length - 1];
    const end = Math.min(text.length, offset + AFTER);
    if (last && offset - BEFORE <= last[1] && end - last[0] <= WINDOW_LIMIT) last[1] = end;
    else windows.push([Math.max(0, offset - BEFORE), end]);
  }
  const hits: RuleHit[] = [];
  const seen = new Set<string>();
  for (const [start, end] of windows) {
    for (const hit of runRules(text.slice(start, end), ext)) {
      const key = `${hit.ruleId}:${hit.start + start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      hits.push({ ruleId: hit.ruleId, start: hit.start + start, end: hit.end + start });
    }
  }
  return hits;
}
