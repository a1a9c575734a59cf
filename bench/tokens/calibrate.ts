/**
 * Derives the estimator's data from gpt-tokenizer's o200k_base on a training set that is
 * disjoint from the test corpus (test/proxy/tokens/corpus/ holds hono, zod, commander and
 * undici files and the guide; this reads the other packages' READMEs, sources and JSON):
 *
 * - src/proxy/tokens/piece-costs.ts: the average BPE count per word piece, keyed by prefix,
 *   case shape and length; the extra cost of each punctuation character in front of a word;
 *   whitespace costs.
 * - src/proxy/tokens/punct-vocab.ts: the o200k tokens made only of ASCII punctuation (with an
 *   optional leading space and trailing newlines) that the training set actually uses; the
 *   estimator splits punctuation runs by greedy longest match over them, which on the
 *   training set lands within 0.1% of BPE.
 *
 *   node --import tsx bench/tokens/calibrate.ts
 */
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode, encode } from 'gpt-tokenizer/encoding/o200k_base';
import { PieceKind, scanPieces } from '../../src/proxy/tokens/pretokenize.js';
import { WORD_CAP, WS_CAP } from '../../src/proxy/tokens/piece-costs.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const NM = join(ROOT, 'node_modules');
const EXCLUDED = new Set(['hono', 'zod', 'commander', 'undici', 'gpt-tokenizer', 'typescript', 'node22', 'esbuild', '@esbuild', 'lightningcss-linux-x64-gnu', 'rolldown', '@rolldown']);
const MAX_CHARS_PER_EXT = 3_000_000;
const MIN_SAMPLES = 30;
const MIN_VOCAB_USES = 2;

function* walk(dir: string, depth: number): Generator<string> {
  let entries: string[];
  try { entries = readdirSync(dir); } catch { return; }
  for (const e of entries) {
    const p = join(dir, e);
    let st; try { st = statSync(p); } catch { continue; }
    if (st.isDirectory()) { if (depth > 0 && e !== 'node_modules') yield* walk(p, depth - 1); }
    else if (st.size > 500 && st.size < 200_000) yield p;
  }
}

function trainingFiles(): Map<string, string[]> {
  const byExt = new Map<string, string[]>();
  for (const pkg of readdirSync(NM)) {
    if (EXCLUDED.has(pkg) || pkg.startsWith('.')) continue;
    const dirs = pkg.startsWith('@') ? readdirSync(join(NM, pkg)).map((d) => join(NM, pkg, d)) : [join(NM, pkg)];
    for (const d of dirs) {
      for (const f of walk(d, 3)) {
        if (!/\.(md|js|mjs|ts|json)$/.test(f) || f.endsWith('.min.js')) continue;
        const ext = f.slice(f.lastIndexOf('.'));
        (byExt.get(ext) ?? byExt.set(ext, []).get(ext)!).push(f);
      }
    }
  }
  return byExt;
}

// Every o200k token that is pure ASCII punctuation, for greedy matching during calibration.
const fullVocab = new Set<string>();
for (let id = 0; id < 199_998; id++) {
  let s: string;
  try { s = decode([id]); } catch { continue; }
  if (s.length >= 2 && /^ ?[!-/:-@[-`{-~]*[\r\n/]*$/.test(s) && /[!-/:-@[-`{-~\r\n]/.test(s)) fullVocab.add(s);
}
const vocabUses = new Map<string, number>();
function greedyPunct(piece: string): void {
  let i = 0;
  while (i < piece.length) {
    let len = Math.min(piece.length - i, 64);
    while (len > 1 && !fullVocab.has(piece.slice(i, i + len))) len--;
    if (len > 1) { const t = piece.slice(i, i + len); vocabUses.set(t, (vocabUses.get(t) ?? 0) + 1); }
    i += len;
  }
}

type Acc = { n: number; tokens: number; units: number };
const table = new Map<string, Acc>();
const add = (key: string, tokens: number, units: number) => {
  const a = table.get(key) ?? { n: 0, tokens: 0, units: 0 };
  a.n++; a.tokens += tokens; a.units += units; table.set(key, a);
};
const cache = new Map<string, number>();
const bpe = (s: string): number => {
  let t = cache.get(s);
  if (t === undefined) { t = encode(s).length; if (cache.size < 500_000) cache.set(s, t); }
  return t;
};

for (const [ext, list] of trainingFiles()) {
  let chars = 0;
  for (const f of list) {
    if (chars > MAX_CHARS_PER_EXT) break;
    let text = readFileSync(f, 'utf8');
    if (/\n.{400,}/.test(text) && ext !== '.json') continue; // minified bundles are not what clients send
    // Tool inputs and schemas reach the estimator as compact JSON: train on both layouts.
    if (ext === '.json') {
      try { text += `\n${JSON.stringify(JSON.parse(text))}`; } catch { /* JSON with comments: keep as is */ }
    }
    chars += text.length;
    scanPieces(text, (kind, s, e, letters, shape, prefix) => {
      const piece = text.slice(s, e);
      if (kind === PieceKind.Word) {
        if (shape === 4) return;
        if (prefix === 2) {
          // A punctuation prefix: the word itself costs what an unprefixed word costs, plus
          // whatever the prefix adds (".push" merges, "/claude" does not).
          const bare = piece.slice(1);
          add(`x:${piece.charCodeAt(0)}`, bpe(piece) - bpe(bare), 1);
          add(`w0${shape}:${Math.min(letters, WORD_CAP)}`, bpe(bare), letters);
        } else add(`w${prefix}${shape}:${Math.min(letters, WORD_CAP)}`, bpe(piece), letters);
      } else if (kind === PieceKind.Punct) {
        if (/^[\x00-\x7f]*$/.test(piece)) greedyPunct(piece);
      } else if (kind === PieceKind.Newline) add(`n:${Math.min(letters, WS_CAP)}`, bpe(piece), letters);
      else if (kind === PieceKind.Space) add(`s:${Math.min(letters, WS_CAP)}`, bpe(piece), letters);
    });
  }
  process.stderr.write(`${ext}: ${chars} characters\n`);
}

// Keys at a cap hold a rate per letter (or character) that applies to every longer piece.
const costs: string[] = [];
for (const [key, a] of [...table].sort(([x], [y]) => x.localeCompare(y, 'en', { numeric: true }))) {
  if (a.n < MIN_SAMPLES) continue; // too rare to trust: the estimator's fallback applies
  const len = Number(/:(\d+)$/.exec(key)![1]);
  const atCap = (key[0] === 'w' && len === WORD_CAP) || ((key[0] === 'n' || key[0] === 's') && len === WS_CAP);
  costs.push(`'${key}': ${Math.round((atCap ? a.tokens / a.units : a.tokens / a.n) * 1000) / 1000}`);
}
const vocab = [...vocabUses].filter(([, n]) => n >= MIN_VOCAB_USES).map(([t]) => t).sort();

const wrap = (items: string[]) => {
  const lines: string[] = [];
  let row = '';
  for (const item of items) {
    if (row.length + item.length > 98) { lines.push(`  ${row.trimEnd()}`); row = ''; }
    row += `${item}, `;
  }
  if (row) lines.push(`  ${row.trimEnd()}`);
  return lines.join('\n');
};

const costsFile = join(ROOT, 'src/proxy/tokens/piece-costs.ts');
const header = readFileSync(costsFile, 'utf8').split('// prettier-ignore')[0]!;
writeFileSync(costsFile, `${header}// prettier-ignore\nexport const COSTS: Readonly<Record<string, number>> = {\n${wrap(costs)}\n};\n`);
writeFileSync(
  join(ROOT, 'src/proxy/tokens/punct-vocab.ts'),
  `/**\n * Generated by bench/tokens/calibrate.ts: the ${vocab.length} o200k_base tokens made of ASCII punctuation\n * (optional leading space, trailing newlines) used at least ${MIN_VOCAB_USES} times in its training set.\n */\n// prettier-ignore\nexport const PUNCT_VOCAB: readonly string[] = [\n${wrap(vocab.map((t) => JSON.stringify(t)))}\n];\n`,
);
process.stderr.write(`${costs.length} costs, ${vocab.length} punctuation tokens (of ${fullVocab.size})\n`);
