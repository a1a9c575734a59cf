/**
 * Text a person reviewing a tool cannot see but a model reads: invisible characters (zero-width,
 * the Unicode TAG block, bidi controls, runs of variation selectors) and long base64 or hex runs.
 * Each is decoded where it can be — TAG characters are ASCII shifted by U+E0000, variation
 * selectors carry one byte each ("emoji smuggling"), zero-width runs carry bits — and what comes
 * out is scanned again by every check (scan-definition.ts), its findings marked `hidden`.
 *
 * Honest uses stay quiet: a ZWJ inside an emoji sequence (👩‍💻), ZWNJ in Persian or Indic text,
 * a subdivision flag (🏴 + TAG letters + CANCEL TAG), one VS16 after an emoji, an ideographic
 * variation sequence, an RLM next to right-to-left text, a SHA-256 digest, base64 of an image.
 */
import type { HiddenIn, ScanLevel } from './types.js';
import { execAll } from './text.js';
import { printable } from './unicode.js';

export interface HiddenHit {
  level: ScanLevel;
  message: string;
  match: string;
  /** Decoded text to scan again, with where it came from. */
  decoded?: { text: string; from: HiddenIn };
}

const TAG_RUN = /[\u{E0000}-\u{E007F}]+/gu;
const FLAG_TAGS = /^[\u{E0061}-\u{E007A}\u{E0030}-\u{E0039}]{2,6}\u{E007F}$/u;
const SELECTOR_RUN = /[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]{2,}/gu;
const ZERO_WIDTH = /[\u200B\u200C\u200D\u2060\uFEFF\u00AD\u034F\u115F\u1160\u3164\uFFA0\u180E\u2061-\u2064]/gu;
const ZW_RUN = /[\u200B\u200C\u200D\u2060\uFEFF]{8,}/gu;
const BIDI_OVERRIDE = /[\u202D\u202E]/u;
const BIDI_EMBED = /[\u202A-\u202C\u2066-\u2069]/u;
const BIDI_MARK = /[\u200E\u200F\u061C]/u;
const RTL_LETTER = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u;
/** Joiners are part of writing in these: emoji sequences, Arabic script, Indic scripts. */
const JOINER_CONTEXT = /[\p{Extended_Pictographic}\u0600-\u06FF\u0750-\u077F\u0900-\u0DFF\uFB50-\uFDFF\uFE70-\uFEFF]/u;

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Looks like something written for a reader: valid UTF-8, printable, mostly letters and spaces. */
export function readableText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return undefined;
  }
  if (text.length < 8) return undefined;
  let printableCount = 0;
  let letters = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 9 || cp === 10 || cp === 13 || (cp >= 0x20 && cp !== 0x7f && !(cp >= 0x80 && cp < 0xa0))) printableCount++;
    if (/[\p{L} ]/u.test(ch)) letters++;
  }
  const length = [...text].length;
  return printableCount / length >= 0.95 && letters / length >= 0.6 && /\p{L}{3}/u.test(text) ? text : undefined;
}

function checkInvisible(text: string): HiddenHit[] {
  const hits: HiddenHit[] = [];
  for (const m of execAll(TAG_RUN, text)) {
    const before = text.slice(0, m.index);
    if (before.endsWith('\u{1F3F4}') && FLAG_TAGS.test(m[0])) continue;
    const decoded = [...m[0]].map((ch) => ch.codePointAt(0)! - 0xe0000).filter((cp) => cp >= 0x20 && cp < 0x7f).map((cp) => String.fromCharCode(cp)).join('');
    hits.push({ level: 'error', message: `${[...m[0]].length} invisible Unicode TAG characters hide text: "${printable(decoded, 100)}"`, match: decoded, decoded: decoded ? { text: decoded, from: 'tag-characters' } : undefined });
  }
  for (const m of execAll(SELECTOR_RUN, text)) {
    const bytes = Uint8Array.from([...m[0]].map((ch) => {
      const cp = ch.codePointAt(0)!;
      return cp <= 0xfe0f ? cp - 0xfe00 : cp - 0xe0100 + 16;
    }));
    const decoded = readableText(bytes);
    hits.push({
      level: 'error',
      message: decoded ? `a run of ${bytes.length} variation selectors hides text: "${printable(decoded, 100)}"` : `a run of ${bytes.length} variation selectors can carry hidden data`,
      match: printable(m[0]),
      decoded: decoded ? { text: decoded, from: 'variation-selectors' } : undefined,
    });
  }
  let decodedRun = false;
  for (const m of execAll(ZW_RUN, text)) {
    const decoded = decodeZeroWidthBits(m[0]);
    if (!decoded) continue;
    decodedRun = true;
    hits.push({ level: 'error', message: `a run of zero-width characters encodes text: "${printable(decoded, 100)}"`, match: printable(m[0]), decoded: { text: decoded, from: 'zero-width' } });
  }
  if (!decodedRun) {
    const stray = [...execAll(ZERO_WIDTH, text)].filter((m) => !isHonestJoiner(text, m.index, m[0]));
    if (stray.length > 0) {
      const around = text.slice(Math.max(0, stray[0]!.index - 12), stray[0]!.index + 12);
      hits.push({ level: 'warn', message: `${stray.length} zero-width character${stray.length === 1 ? '' : 's'} split or hide words (removed before the other checks)`, match: printable(around) });
    }
  }
  if (BIDI_OVERRIDE.test(text)) {
    hits.push({ level: 'error', message: 'a bidi override makes the text display in another order than the model reads it', match: printable(text.slice(0, 80)) });
  } else if (BIDI_EMBED.test(text) || (BIDI_MARK.test(text) && !RTL_LETTER.test(text))) {
    hits.push({ level: 'warn', message: 'bidi control characters change how the text displays', match: printable(text.slice(0, 80)) });
  }
  return hits;
}

function isHonestJoiner(text: string, index: number, ch: string): boolean {
  if (ch !== '\u200D' && ch !== '\u200C') return false;
  // Two UTF-16 units either side: enough for an emoji's surrogate pair.
  const before = text.slice(Math.max(0, index - 2), index);
  const after = text.slice(index + 1, index + 3);
  return JOINER_CONTEXT.test(before) || JOINER_CONTEXT.test(after);
}

/** Zero-width steganography writes bits with two (or more) invisible characters: try each pairing. */
function decodeZeroWidthBits(run: string): string | undefined {
  const symbols = [...new Set(run)];
  if (symbols.length < 2) return undefined;
  const counts = symbols.map((s) => [s, run.split(s).length - 1] as const).sort((a, b) => b[1] - a[1]);
  const [a, b] = [counts[0]![0], counts[1]![0]];
  const chars = [...run].filter((c) => c === a || c === b);
  for (const one of [a, b]) {
    const bits: number[] = chars.map((c) => (c === one ? 1 : 0));
    const bytes = new Uint8Array(Math.floor(bits.length / 8));
    for (let i = 0; i < bytes.length; i++) bytes[i] = bits.slice(i * 8, i * 8 + 8).reduce((n, bit) => (n << 1) | bit, 0);
    const text = readableText(bytes);
    if (text) return text;
  }
  return undefined;
}

const BASE64_RUN = /[A-Za-z0-9+/]{32,}={0,2}|[A-Za-z0-9_-]{32,}={0,2}/g;
const HEX_RUN = /(?:\b|0x)((?:[0-9a-fA-F]{2}){16,})\b|((?:\\x[0-9a-fA-F]{2}){8,})|((?:%[0-9a-fA-F]{2}){8,})/g;

function checkEncoded(text: string): HiddenHit[] {
  const hits: HiddenHit[] = [];
  const seen = new Set<string>();
  for (const m of execAll(HEX_RUN, text)) {
    const hex = (m[1] ?? m[2] ?? m[3] ?? '').replace(/\\x|%/g, '');
    const decoded = readableText(Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16))));
    seen.add(m[0]);
    if (decoded) hits.push({ level: 'warn', message: `a hex run decodes to text: "${printable(decoded, 100)}"`, match: printable(m[0], 60), decoded: { text: decoded, from: 'hex' } });
  }
  for (const m of execAll(BASE64_RUN, text)) {
    if (seen.has(m[0]) || /^[0-9a-fA-F]+$/.test(m[0])) continue;
    const decoded = readableText(Buffer.from(m[0].replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
    if (decoded) hits.push({ level: 'warn', message: `a base64 run decodes to text: "${printable(decoded, 100)}"`, match: printable(m[0], 60), decoded: { text: decoded, from: 'base64' } });
  }
  return hits;
}

export function checkHidden(text: string): { invisible: HiddenHit[]; encoded: HiddenHit[] } {
  return { invisible: checkInvisible(text), encoded: checkEncoded(text) };
}
