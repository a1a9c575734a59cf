/**
 * A readable diff of two definitions for `patchbay pins diff`: each pretty-printed from its
 * canonical JSON (sorted keys, so only real changes show), invisible characters spelled out
 * (\u{200B}, \u{E0049}: what a person must see to judge it), then a unified line diff with
 * three lines of context.
 */
import { printable } from '../scan/unicode.js';

const CONTEXT = 3;
const MAX_LINES = 4000;

/** Pretty JSON, one line per value, long strings kept whole so a changed sentence shows in place. */
export function prettyDefinition(canonical: string): string[] {
  return JSON.stringify(JSON.parse(canonical), null, 2)
    .split('\n')
    .map((line) => printable(line, Number.MAX_SAFE_INTEGER));
}

type Op = { type: ' ' | '-' | '+'; line: string };

function lcsOps(a: string[], b: string[]): Op[] {
  if (a.length * b.length > MAX_LINES * MAX_LINES / 4) return [...a.map((line) => ({ type: '-' as const, line })), ...b.map((line) => ({ type: '+' as const, line }))];
  const n = a.length;
  const m = b.length;
  const table: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) (ops.push({ type: ' ', line: a[i]! }), i++, j++);
    else if (table[i + 1]![j]! >= table[i]![j + 1]!) ops.push({ type: '-', line: a[i++]! });
    else ops.push({ type: '+', line: b[j++]! });
  }
  while (i < n) ops.push({ type: '-', line: a[i++]! });
  while (j < m) ops.push({ type: '+', line: b[j++]! });
  return ops;
}

/** Unified diff lines (without the ---/+++ header); empty when the two are the same. */
export function diffLines(before: string[], after: string[]): string[] {
  const ops = lcsOps(before, after);
  if (ops.every((op) => op.type === ' ')) return [];
  const keep = ops.map((op, i) => op.type !== ' ' || ops.slice(Math.max(0, i - CONTEXT), i + CONTEXT + 1).some((o) => o.type !== ' '));
  const out: string[] = [];
  let skipping = false;
  ops.forEach((op, i) => {
    if (!keep[i]) {
      if (!skipping) out.push('@@');
      skipping = true;
      return;
    }
    skipping = false;
    out.push(`${op.type} ${op.line}`);
  });
  if (keep[0]) out.unshift('@@');
  return out;
}
