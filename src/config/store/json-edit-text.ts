/**
 * Editing JSON text in place: set or remove the value at one path and leave every other byte as
 * it was. Re-serialising a parsed file is not an option for files Patchbay does not own: JSON.parse
 * turns 12345678901234567890 into 12345678901234567000, 1.0 into 1 and "\u00e9\/" into "é/".
 *
 * The input must be valid JSON (callers check with JSON.parse first). Only the objects along the
 * path are scanned member by member; every other value is skipped over, so one edit of a 5 MB
 * ~/.claude.json is a single pass (jsonc-parser's `modify` builds a full tree and reformats,
 * about a second per edit on such a file). New values are laid out like `JSON.stringify(v, null,
 * indent)` with the file's own indent unit and line ending, indented to where they go; a file on
 * one line gets compact values. Duplicate keys resolve to the last one, as JSON.parse does.
 */
export type JsonPath = readonly string[];

export interface TextStyle {
  /** One level of indentation ('  ', '    ', '\t'); '' for a file written on one line. */
  indent: string;
  eol: '\n' | '\r\n';
}

interface Member {
  key: string;
  keyStart: number;
  valueStart: number;
  valueEnd: number;
}

interface ObjectText {
  start: number;
  end: number;
  members: Member[];
}

/** The layout of the file, so inserted text looks like the text around it. */
export function detectStyle(text: string): TextStyle {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const trimmed = text.trim();
  // A minified file stays on one line; an empty one (or a bare `{}`) gets Claude Code's layout.
  if (!trimmed.includes('\n')) return { indent: /^\{\s*\}$/.test(trimmed) || trimmed === '' ? '  ' : '', eol };
  const match = /\n([ \t]+)\S/.exec(text);
  return { indent: match ? (match[1]!.startsWith('\t') ? '\t' : match[1]!) : '  ', eol };
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && WHITESPACE.has(text[i]!)) i++;
  return i;
}

/** Index after the string that opens at `i`. */
function skipString(text: string, i: number): number {
  for (let j = i + 1; ; ) {
    const quote = text.indexOf('"', j);
    if (quote === -1) return text.length;
    let backslashes = 0;
    for (let k = quote - 1; text[k] === '\\'; k--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    j = quote + 1;
  }
}

/** Index after the value that starts at `i`. */
function skipValue(text: string, i: number): number {
  const ch = text[i];
  if (ch === '"') return skipString(text, i);
  if (ch === '{' || ch === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const c = text[j];
      if (c === '"') j = skipString(text, j) - 1;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return text.length;
  }
  let j = i;
  while (j < text.length && !WHITESPACE.has(text[j]!) && text[j] !== ',' && text[j] !== '}' && text[j] !== ']') j++;
  return j;
}

function readObject(text: string, start: number): ObjectText {
  const members: Member[] = [];
  let i = skipWhitespace(text, start + 1);
  while (text[i] === '"') {
    const keyEnd = skipString(text, i);
    const raw = text.slice(i + 1, keyEnd - 1);
    const key = raw.includes('\\') ? (JSON.parse(text.slice(i, keyEnd)) as string) : raw;
    const valueStart = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1);
    const valueEnd = skipValue(text, valueStart);
    members.push({ key, keyStart: i, valueStart, valueEnd });
    i = skipWhitespace(text, valueEnd);
    if (text[i] === ',') i = skipWhitespace(text, i + 1);
  }
  return { start, end: i + 1, members };
}

function lastMember(object: ObjectText, key: string): Member | undefined {
  for (let i = object.members.length - 1; i >= 0; i--) if (object.members[i]!.key === key) return object.members[i];
  return undefined;
}

/** The whitespace that starts the line holding `offset`. */
function lineIndent(text: string, offset: number): string {
  let i = text.lastIndexOf('\n', offset - 1) + 1;
  const begin = i;
  while (text[i] === ' ' || text[i] === '\t') i++;
  return text.slice(begin, i);
}

function formatValue(value: unknown, baseIndent: string, style: TextStyle): string {
  if (style.indent === '') return JSON.stringify(value);
  return JSON.stringify(value, null, style.indent).split('\n').join(style.eol + baseIndent);
}

function splice(text: string, from: number, to: number, insert: string): string {
  return text.slice(0, from) + insert + text.slice(to);
}

/** Thrown when a path goes through something that is not an object; `depth` is where. */
export class NotAnObjectError extends Error {
  constructor(readonly depth: number) {
    super(`not an object at depth ${depth}`);
  }
}

/** Walks to the object that holds the last key of `path`; creates nothing. */
function parentOf(text: string, path: JsonPath): { object: ObjectText; missingFrom?: number } {
  let object = readObject(text, skipWhitespace(text, 0));
  for (let depth = 0; depth < path.length - 1; depth++) {
    const member = lastMember(object, path[depth]!);
    if (!member) return { object, missingFrom: depth };
    if (text[member.valueStart] !== '{') throw new NotAnObjectError(depth);
    object = readObject(text, member.valueStart);
  }
  return { object };
}

function insertMember(text: string, object: ObjectText, key: string, value: unknown, style: TextStyle): string {
  if (object.members.length === 0) {
    const replacement = formatValue({ [key]: value }, lineIndent(text, object.start), style);
    return splice(text, object.start, object.end, replacement);
  }
  const first = object.members[0]!;
  const last = object.members[object.members.length - 1]!;
  // Reuse the file's own separators: what sits between a key and its value, and between members.
  const keyEnd = skipString(text, first.keyStart);
  const colon = text.slice(keyEnd, first.valueStart);
  if (style.indent === '') return splice(text, last.valueEnd, last.valueEnd, `,${JSON.stringify(key)}${colon}${JSON.stringify(value)}`);
  const indent = lineIndent(text, first.keyStart);
  return splice(text, last.valueEnd, last.valueEnd, `,${style.eol}${indent}${JSON.stringify(key)}${colon}${formatValue(value, indent, style)}`);
}

/** `text` with the value at `path` set to `value`, creating missing objects on the way. */
export function setInText(text: string, path: JsonPath, value: unknown, style: TextStyle = detectStyle(text)): string {
  if (path.length === 0) throw new Error('setInText needs a non-empty path');
  if (text.trim() === '') text = '{}';
  const { object, missingFrom } = parentOf(text, path);
  if (missingFrom !== undefined) {
    let nested: unknown = value;
    for (let i = path.length - 1; i > missingFrom; i--) nested = { [path[i]!]: nested };
    return insertMember(text, object, path[missingFrom]!, nested, style);
  }
  const key = path[path.length - 1]!;
  const member = lastMember(object, key);
  if (!member) return insertMember(text, object, key, value, style);
  return splice(text, member.valueStart, member.valueEnd, formatValue(value, lineIndent(text, member.keyStart), style));
}

/**
 * `text` without the member at `path` (every duplicate of it), or `text` itself when it is absent.
 * An object left empty becomes `{}`, as JSON.stringify (and Claude Code) would write it.
 */
export function removeFromText(text: string, path: JsonPath): string {
  if (path.length === 0 || text.trim() === '') return text;
  const { object, missingFrom } = parentOf(text, path);
  if (missingFrom !== undefined) return text;
  const key = path[path.length - 1]!;
  const { members } = object;
  const doomed = members.map((m, i) => (m.key === key ? i : -1)).filter((i) => i !== -1);
  if (doomed.length === 0) return text;
  if (doomed.length === members.length) return splice(text, object.start, object.end, '{}');
  // Runs of consecutive members, from the last to the first, so earlier offsets stay valid.
  for (let end = doomed.length - 1; end >= 0; ) {
    let start = end;
    while (start > 0 && doomed[start - 1] === doomed[start]! - 1) start--;
    const first = doomed[start]!;
    const last = doomed[end]!;
    // With a member before the run, cut from its end (taking the comma); else up to the next one.
    if (first > 0) text = splice(text, members[first - 1]!.valueEnd, members[last]!.valueEnd, '');
    else text = splice(text, members[first]!.keyStart, members[last + 1]!.keyStart, '');
    end = start - 1;
  }
  return text;
}
