/**
 * Token estimate for a string: split it the way o200k_base does (pretokenize.ts), then price
 * every piece with the average BPE cost measured for pieces of its kind, case and length
 * (piece-costs.ts). Piece boundaries are exact, so the only error is in the per-piece averages;
 * over a few hundred pieces it stays within a few percent of gpt-tokenizer's o200k count on
 * prose, code and JSON (test/proxy/tokens/accuracy.test.ts). Cost is one pass over the string.
 */
import { COSTS, WORD_CAP, WS_CAP } from './piece-costs.js';
import { PieceKind, scanPieces, type PieceSink } from './pretokenize.js';
import { PUNCT_VOCAB } from './punct-vocab.js';

// Tables resolved once from COSTS, with fallbacks for keys too rare to have been measured.
/** WORD is one flat table: row (space prefix ? 4 : 0) + shape, column letters (0..WORD_CAP). */
const WORD_ROW = WORD_CAP + 1;
const WORD = buildWordTable();
const PREFIX_EXTRA = buildPrefixTable();
const SPACE = buildWhitespaceTable('s', 1 / 30);
const SPACE_RUN = 128;
const NEWLINE = buildWhitespaceTable('n', 1 / 30);
const PUNCT = buildPunctTrie(PUNCT_VOCAB);

function buildWordTable(): Float64Array {
  const table = new Float64Array(8 * WORD_ROW);
  for (let prefix = 0; prefix < 2; prefix++) {
    for (let shape = 0; shape < 4; shape++) {
      const caps = shape >= 2 ? 1.35 : 1;
      for (let len = 0; len <= WORD_CAP; len++) {
        const fallback = len === WORD_CAP ? 0.18 * caps : Math.max(1, (len / 5) * caps);
        table[(prefix * 4 + shape) * WORD_ROW + len] = COSTS[`w${prefix}${shape}:${len}`] ?? fallback;
      }
    }
  }
  return table;
}

function buildPrefixTable(): Float64Array {
  const extra = new Float64Array(128).fill(0.8);
  for (let c = 0; c < 128; c++) extra[c] = COSTS[`x:${c}`] ?? 0.8;
  return extra;
}

function buildWhitespaceTable(kind: 's' | 'n', capRate: number): Float64Array {
  const row = new Float64Array(WS_CAP + 1);
  for (let len = 0; len <= WS_CAP; len++) row[len] = COSTS[`${kind}:${len}`] ?? (len === WS_CAP ? capRate : 1);
  return row;
}

/**
 * Punctuation runs are split by greedy longest match over o200k's punctuation tokens: a trie
 * whose edges are ASCII code units (node * 128 + code → child). Matching walks at most one
 * token's length per token emitted, so a run costs time linear in its length.
 */
interface PunctTrie {
  edges: Map<number, number>;
  terminal: Uint8Array;
}

function buildPunctTrie(vocab: readonly string[]): PunctTrie {
  const edges = new Map<number, number>();
  let nodes = 1;
  const terminalNodes: number[] = [];
  for (const token of vocab) {
    let node = 0;
    for (let i = 0; i < token.length; i++) {
      const key = node * 128 + (token.charCodeAt(i) & 127);
      let next = edges.get(key);
      if (next === undefined) edges.set(key, (next = nodes++));
      node = next;
    }
    terminalNodes.push(node);
  }
  const terminal = new Uint8Array(nodes);
  for (const node of terminalNodes) terminal[node] = 1;
  return { edges, terminal };
}

/** Trie steps taken during the current estimate, added to the scanner's visits. */
let trieSteps = 0;

function punctTokens(text: string, start: number, end: number): number {
  let tokens = 0;
  let i = start;
  while (i < end) {
    tokens++;
    if (text.charCodeAt(i) >= 128) {
      i++; // non-ASCII symbols (→, —, emoji halves): about a token per code unit
      continue;
    }
    let node = 0;
    let j = i;
    let last = i + 1;
    while (j < end) {
      const c = text.charCodeAt(j);
      if (c >= 128) break;
      const next = PUNCT.edges.get(node * 128 + c);
      if (next === undefined) break;
      node = next;
      j++;
      if (PUNCT.terminal[node] === 1) last = j;
    }
    trieSteps += j - i;
    i = last;
  }
  return tokens;
}

/**
 * Words with non-ASCII letters. o200k spends most of a token per CJK character and about a
 * fifth to a third of one per letter of other scripts (Cyrillic, Greek, accented Latin).
 */
function nonAsciiWordCost(letters: number, wide: number, prefix: number): number {
  const cost = wide * 0.65 + (letters - wide) * 0.25 + (prefix === 2 ? 0.5 : 0);
  return cost < 1 ? 1 : cost;
}

// The text being estimated and its running total. Estimates are synchronous and never nest,
// so one module-level sink serves every call: no closure per call, and V8 sees one call target.
// The total lives in a typed array: a double in a module-level `let` is boxed by V8, which would
// allocate on every piece.
let currentText = '';
const total = new Float64Array(1);

const pieceCost: PieceSink = function pieceCost(kind, start, end, letters, shape, prefix, wide) {
  let cost: number;
  switch (kind) {
    case PieceKind.Word:
      if (shape === 4) cost = nonAsciiWordCost(letters, wide, prefix);
      else {
        // A punctuation prefix is priced on its own; the word then costs what a bare word does.
        const row = ((prefix === 1 ? 4 : 0) + shape) * WORD_ROW;
        cost = letters < WORD_CAP ? WORD[row + letters]! : WORD[row + WORD_CAP]! * letters;
        if (prefix === 2) {
          const c = currentText.charCodeAt(start);
          cost += c < 128 ? PREFIX_EXTRA[c]! : 0.8;
        }
      }
      break;
    case PieceKind.Punct:
      cost = punctTokens(currentText, start, end);
      break;
    case PieceKind.Space:
      // o200k has single tokens for runs of up to about 128 spaces (indentation, alignment).
      cost = letters < WS_CAP ? SPACE[letters]! : Math.ceil(letters / SPACE_RUN);
      break;
    case PieceKind.Newline:
      cost = letters < WS_CAP ? NEWLINE[letters]! : NEWLINE[WS_CAP]! * letters;
      break;
    default:
      cost = 1;
  }
  total[0] = total[0]! + cost;
};

export interface TextEstimate {
  tokens: number;
  /**
   * Work done: code units classified by the scanner plus trie steps matching punctuation.
   * Linear in text.length whatever the text (tests assert it instead of timing).
   */
  visits: number;
}

/** Estimate plus the scanner's work counter (for linearity tests and benchmarks). */
export function estimateTextTokensDetailed(text: string): TextEstimate {
  currentText = text;
  total[0] = 0;
  trieSteps = 0;
  const visits = scanPieces(text, pieceCost);
  currentText = '';
  return { tokens: Math.round(total[0]!), visits: visits + trieSteps };
}

/** Estimated o200k_base-like token count of `text`. */
export function estimateTextTokens(text: string): number {
  if (text.length === 0) return 0;
  return estimateTextTokensDetailed(text).tokens;
}
