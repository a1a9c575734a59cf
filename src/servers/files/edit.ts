/**
 * Find/replace edits, pure: text in, text and a unified diff out. An exact match must occur
 * exactly `expectedCount` times (default 1). When there is no exact match, a whitespace-tolerant
 * match (lines compared with their whitespace collapsed) is tried; it is applied only when it is
 * unique, and the new lines take the indentation the file has there, not the one the model typed.
 */

export interface Edit {
  oldText: string;
  newText: string;
  expectedCount?: number;
}

export class EditFailed extends Error {
  override readonly name = 'EditFailed';
}

export interface EditOutcome {
  text: string;
  /** How each edit matched, in order. */
  matches: Array<'exact' | 'whitespace'>;
}

const squash = (line: string) => line.trim().replace(/\s+/g, ' ');
const indentOf = (line: string) => /^\s*/.exec(line)![0];

function countOf(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

export function applyEdits(original: string, edits: readonly Edit[]): EditOutcome {
  const eol = original.includes('\r\n') ? '\r\n' : '\n';
  let text = original;
  const matches: EditOutcome['matches'] = [];
  edits.forEach((edit, index) => {
    const where = edits.length > 1 ? `edit ${index + 1}: ` : '';
    const oldText = edit.oldText.replace(/\r\n/g, '\n').split('\n').join(eol);
    const newText = edit.newText.replace(/\r\n/g, '\n').split('\n').join(eol);
    if (oldText === '') throw new EditFailed(`${where}oldText is empty; use write_file to create or replace a whole file`);
    const expected = edit.expectedCount ?? 1;
    const exact = countOf(text, oldText);
    if (exact > 0) {
      if (exact !== expected) throw new EditFailed(`${where}oldText occurs ${exact} times, expected ${expected}; give more surrounding lines or set expectedCount to ${exact}`);
      text = text.split(oldText).join(newText);
      matches.push('exact');
      return;
    }
    text = tolerantReplace(text, oldText, newText, eol, where, expected);
    matches.push('whitespace');
  });
  return { text, matches };
}

function tolerantReplace(text: string, oldText: string, newText: string, eol: string, where: string, expected: number): string {
  const lines = text.split(eol);
  const want = oldText.split(eol).map(squash);
  while (want.length > 1 && want.at(-1) === '') want.pop();
  const found: number[] = [];
  for (let i = 0; i + want.length <= lines.length; i++) {
    if (want.every((w, k) => squash(lines[i + k]!) === w)) found.push(i);
  }
  if (found.length === 0) {
    const first = want.find((w) => w !== '') ?? '';
    const near = lines.findIndex((l) => first !== '' && squash(l).includes(first.slice(0, 40)));
    throw new EditFailed(`${where}oldText was not found, not even ignoring whitespace${near >= 0 ? `; its first line looks like line ${near + 1}: ${JSON.stringify(lines[near]!.slice(0, 120))}` : ''}. Read the file again and copy the lines exactly`);
  }
  if (found.length > 1 || expected !== 1) {
    throw new EditFailed(`${where}oldText matches only ignoring whitespace, at ${found.length} places (lines ${found.map((i) => i + 1).join(', ')}); such a match is applied only when it is unique — add surrounding lines`);
  }
  const at = found[0]!;
  // Keep the file's indentation: shift each new line by the difference between the file's
  // first matched line and the model's first old line.
  const typedIndent = indentOf(oldText.split(eol).find((l) => l.trim() !== '') ?? '');
  const fileIndent = indentOf(lines[at + want.findIndex((w) => w !== '')] ?? '');
  const replacement = newText.split(eol).map((l) => (l.trim() === '' ? l : l.startsWith(typedIndent) ? fileIndent + l.slice(typedIndent.length) : fileIndent + l.trimStart()));
  lines.splice(at, want.length, ...replacement);
  return lines.join(eol);
}

/** A unified diff (one hunk around the changed region, 3 lines of context). */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const from = Math.max(0, start - context);
  const toA = Math.min(a.length, endA + context);
  const toB = Math.min(b.length, endB + context);
  const out = [`--- ${path}`, `+++ ${path}`, `@@ -${from + 1},${toA - from} +${from + 1},${toB - from} @@`];
  for (let i = from; i < start; i++) out.push(` ${a[i]}`);
  for (let i = start; i < endA; i++) out.push(`-${a[i]}`);
  for (let i = start; i < endB; i++) out.push(`+${b[i]}`);
  for (let i = endA; i < toA; i++) out.push(` ${a[i]}`);
  return out.join('\n') + '\n';
}
