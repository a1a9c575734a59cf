/**
 * A hand-written, single-pass version of the o200k_base pre-tokenizer (the regex that splits
 * text into pieces before BPE merges them; tiktoken's `o200k_base` pattern):
 *
 *   [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
 *   | [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:…)?
 *   | \p{N}{1,3} |  ?[^\s\p{L}\p{N}]+[\r\n/]* | \s*[\r\n]+ | \s+(?!\S) | \s+
 *
 * Why not the regex itself: `\s*[\r\n]+` and `\s+(?!\S)` backtrack, and BPE on one huge piece
 * (100 KB of "a") is quadratic in tokenizers that merge naively — claude-code-router spent ~31 s
 * on such input. This scanner visits every code unit a bounded number of times (at most twice:
 * once to find the end of a whitespace run, once to step past it), so cost is linear in the
 * input whatever its shape. It matches the regex exactly on ASCII; outside ASCII it treats every
 * letter as both upper- and lower-case (like \p{Lo}), which only moves piece boundaries inside
 * mixed-case non-Latin words.
 */

export const enum PieceKind {
  /** Letters, with an optional one-character prefix (space or punctuation). */
  Word = 0,
  /** 1–3 digits. */
  Digits = 1,
  /** Punctuation run, optional leading space, trailing newlines or slashes. */
  Punct = 2,
  /** Whitespace ending in a newline. */
  Newline = 3,
  /** Whitespace without newline. */
  Space = 4,
}

/** Character classes, one byte per UTF-16 code unit. */
const enum Cls {
  Lower = 1,
  Upper = 2,
  /** Non-ASCII letter or mark: joins either half of a word (like \p{Lo}). */
  Other = 3,
  /** CJK ideographs, kana, hangul: a letter that o200k spends most of a token on. */
  Wide = 4,
  Digit = 5,
  Space = 6,
  Newline = 7,
  Punct = 8,
}

const ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  ASCII[c] =
    c >= 97 && c <= 122 ? Cls.Lower
    : c >= 65 && c <= 90 ? Cls.Upper
    : c >= 48 && c <= 57 ? Cls.Digit
    : c === 10 || c === 13 ? Cls.Newline
    : c === 32 || c === 9 || c === 11 || c === 12 ? Cls.Space
    : Cls.Punct;
}

// Non-ASCII code units are classified once each with Unicode regexes and cached: the whole
// Basic Multilingual Plane fits in 64 KB. Surrogates (emoji, astral letters) count as punctuation.
const BMP = new Uint8Array(65536);
const LETTER = /[\p{L}\p{M}]/u;
const NUMBER = /\p{N}/u;
const SPACE = /\s/u;

/** Calls to classify() during the current scan: the linear-cost witness returned by scanPieces. */
let visits = 0;

function classify(c: number): number {
  visits++;
  if (c < 128) return ASCII[c]!;
  const cached = BMP[c]!;
  if (cached !== 0) return cached;
  const ch = String.fromCharCode(c);
  const cls =
    c >= 0xd800 && c <= 0xdfff ? Cls.Punct
    : c === 0x2028 || c === 0x2029 || c === 0x85 ? Cls.Newline
    : (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0xf900 && c <= 0xfaff) ? Cls.Wide
    : LETTER.test(ch) ? Cls.Other
    : NUMBER.test(ch) ? Cls.Digit
    : SPACE.test(ch) ? Cls.Space
    : Cls.Punct;
  BMP[c] = cls;
  return cls;
}

function isLetter(cls: number): boolean {
  return cls <= Cls.Wide;
}

/**
 * Called once per piece. `letters` is the number of letters in a Word (else the piece length
 * without prefix), `shape` describes a Word's case: 0 lower, 1 Capitalized, 2 UPPER, 3 mixed
 * (HTTPServer), 4 contains non-ASCII letters; `prefix`: 0 none, 1 space, 2 punctuation; `wide` the
 * number of CJK letters in a Word. For Punct, `shape` is 1 when newlines or slashes trail the run.
 */
export type PieceSink = (kind: PieceKind, start: number, end: number, letters: number, shape: number, prefix: number, wide: number) => void;

/**
 * Splits `text` into o200k pieces, in order. Returns how many times a code unit was classified:
 * at most about twice the length, whatever the input (tests assert this instead of timing).
 */
export function scanPieces(text: string, sink: PieceSink): number {
  const n = text.length;
  visits = 0;
  let i = 0;
  while (i < n) {
    const cls = classify(text.charCodeAt(i));
    if (isLetter(cls)) {
      i = scanWord(text, i, i, 0, sink);
      continue;
    }
    if (cls === Cls.Digit) {
      let j = i + 1;
      while (j < n && j < i + 3 && classify(text.charCodeAt(j)) === Cls.Digit) j++;
      sink(PieceKind.Digits, i, j, j - i, 0, 0, 0);
      i = j;
      continue;
    }
    const next = i + 1 < n ? classify(text.charCodeAt(i + 1)) : 0;
    if (cls === Cls.Punct || cls === Cls.Space) {
      // A space, tab or punctuation character directly before a letter is that word's prefix.
      if (isLetter(next)) {
        i = scanWord(text, i, i + 1, cls === Cls.Space ? 1 : 2, sink);
        continue;
      }
    }
    if (cls === Cls.Punct || (text.charCodeAt(i) === 32 && next === Cls.Punct)) {
      const lead = cls === Cls.Punct ? 0 : 1;
      let j = i + lead;
      while (j < n && classify(text.charCodeAt(j)) === Cls.Punct) j++;
      const runEnd = j;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c !== 10 && c !== 13 && c !== 47) break;
        j++;
      }
      sink(PieceKind.Punct, i, j, runEnd - i - lead, j > runEnd ? 1 : 0, lead, 0);
      i = j;
      continue;
    }
    // Whitespace: find the end of the run and its last newline in one pass.
    let j = i;
    let lastNewline = -1;
    while (j < n) {
      const c = classify(text.charCodeAt(j));
      if (c === Cls.Newline) lastNewline = j;
      else if (c !== Cls.Space) break;
      j++;
    }
    if (lastNewline >= 0) {
      sink(PieceKind.Newline, i, lastNewline + 1, lastNewline + 1 - i, 0, 0, 0);
      i = lastNewline + 1;
    } else if (j === n || j - i === 1) {
      sink(PieceKind.Space, i, j, j - i, 0, 0, 0);
      i = j;
    } else {
      // `\s+(?!\S)`: leave the last space to prefix what follows.
      sink(PieceKind.Space, i, j - 1, j - 1 - i, 0, 0, 0);
      i = j - 1;
    }
  }
  return visits;
}

function scanWord(text: string, start: number, i: number, prefix: number, sink: PieceSink): number {
  const n = text.length;
  let upper = 0;
  let lower = 0;
  let other = 0;
  let wide = 0;
  let j = i;
  while (j < n) {
    const c = classify(text.charCodeAt(j));
    if (c === Cls.Upper) upper++;
    else if (c === Cls.Other) other++;
    else if (c === Cls.Wide) wide++;
    else break;
    j++;
  }
  while (j < n) {
    const c = classify(text.charCodeAt(j));
    if (c === Cls.Lower) lower++;
    else if (c === Cls.Other) other++;
    else if (c === Cls.Wide) wide++;
    else break;
    j++;
  }
  // Contractions: 's 't 're 've 'm 'll 'd (any case).
  if (j + 1 < n && text.charCodeAt(j) === 39) {
    const a = text.charCodeAt(j + 1) | 32;
    const b = j + 2 < n ? text.charCodeAt(j + 2) | 32 : 0;
    if (a === 115 || a === 116 || a === 109 || a === 100) j += 2;
    else if ((a === 114 && b === 101) || (a === 118 && b === 101) || (a === 108 && b === 108)) j += 3;
  }
  const letters = upper + lower + other + wide;
  const shape =
    other + wide > 0 ? 4
    : upper === 0 ? 0
    : lower === 0 ? 2
    : upper === 1 ? 1
    : 3;
  sink(PieceKind.Word, start, j, letters, shape, prefix, wide);
  return j;
}
