/**
 * Scans one definition — the whole JSON a server listed for a tool, prompt or resource
 * template, every string in it (descriptions nested in input and output schemas, titles,
 * defaults, enums, property names) — with the text checks, the hidden-text checks and a size
 * limit. Hidden text that decodes (TAG characters, variation selectors, zero-width bits, base64,
 * hex) is scanned again, and what it says counts one level worse: nobody hides honest text.
 */
import { createHash } from 'node:crypto';
import { checkHidden } from './hidden.js';
import { checkText, type TextHit } from './text-checks.js';
import { textPieces } from './text.js';
import type { Finding, HiddenIn, ScanCheck, ScanItem, ScanLevel } from './types.js';
import { foldForMatch, printable } from './unicode.js';

/** Sizes of the canonical JSON of one definition. Above `error` a person cannot review it. */
export const SIZE_LIMITS = { warnBytes: 20 * 1024, errorBytes: 100 * 1024, stringWarnBytes: 10 * 1024 };
const MAX_DEPTH = 3;

const WORSE: Record<ScanLevel, ScanLevel> = { info: 'warn', warn: 'error', error: 'error' };

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

export function findingKey(check: ScanCheck, path: string, match: string): string {
  return `${check}|${path}|${digest(match)}`;
}

interface RawHit extends TextHit {
  hidden?: HiddenIn;
}

function scanString(text: string, depth: number, hidden: HiddenIn | undefined, out: RawHit[]): void {
  const push = (hit: TextHit) => out.push(hidden ? { ...hit, level: WORSE[hit.level], hidden, message: `hidden in ${hiddenName(hidden)}: ${hit.message}` } : { ...hit });
  for (const hit of checkText(foldForMatch(text), text)) push(hit);
  const { invisible, encoded } = checkHidden(text);
  for (const hit of invisible) push({ check: 'invisible', level: hit.level, message: hit.message, match: hit.match });
  for (const hit of encoded) push({ check: 'encoded', level: hit.level, message: hit.message, match: hit.match });
  if (depth >= MAX_DEPTH) return;
  for (const hit of [...invisible, ...encoded]) {
    if (hit.decoded) scanString(hit.decoded.text, depth + 1, hit.decoded.from, out);
  }
}

function hiddenName(from: HiddenIn): string {
  return { 'tag-characters': 'TAG characters', 'variation-selectors': 'variation selectors', 'zero-width': 'zero-width characters', base64: 'base64', hex: 'hex', 'html-comment': 'an HTML comment' }[from];
}

/** Every finding of one definition (cross-server checks are in cross.ts). */
export function scanDefinition(target: ScanItem): Finding[] {
  const findings = new Map<string, Finding>();
  const add = (f: Omit<Finding, 'server' | 'kind' | 'name' | 'key'>, match: string) => {
    // One finding per check, place and message: an opening and a closing tag are one problem.
    const id = `${f.check}\0${f.path}\0${f.message}`;
    if (!findings.has(id)) findings.set(id, { server: target.server, kind: target.kind, name: target.name, key: findingKey(f.check, f.path, match), ...f });
  };
  const json = JSON.stringify(target.item) ?? '';
  const size = Buffer.byteLength(json);
  if (size > SIZE_LIMITS.warnBytes) {
    const level: ScanLevel = size > SIZE_LIMITS.errorBytes ? 'error' : 'warn';
    add({ level, check: 'oversized', path: '', message: `the definition is ${Math.round(size / 1024)} KiB (a reviewable one is under ${SIZE_LIMITS.warnBytes / 1024} KiB${level === 'error' ? `; over ${SIZE_LIMITS.errorBytes / 1024} KiB it is held back` : ''})` }, 'size');
  }
  for (const piece of textPieces(target.item)) {
    if (piece.text.length > SIZE_LIMITS.stringWarnBytes) {
      add({ level: 'warn', check: 'oversized', path: piece.path, message: `one text is ${Math.round(piece.text.length / 1024)} KiB long` }, 'string');
    }
    const hits: RawHit[] = [];
    scanString(piece.text, 0, undefined, hits);
    for (const hit of hits) {
      add({ level: hit.level, check: hit.check, path: piece.path || 'name', message: hit.message, excerpt: printable(hit.match), ...(hit.hidden ? { hidden: hit.hidden } : {}) }, hit.match);
    }
  }
  return [...findings.values()];
}
