/**
 * Tool arguments that are not valid JSON [21]. Models emit single-quoted strings, Python's
 * True/False/None, unquoted keys, raw newlines inside strings, trailing commas, prose or code
 * fences around the object, and (when cut off by max_tokens) unclosed strings and braces. What can
 * be repaired is; what cannot reaches the client as `{"_raw_arguments": "<the text>"}`, so the
 * model's output is visible instead of silently lost.
 *
 * The repair copies the text unchanged up to its first defect and changes nothing before it, so
 * a stream that has already forwarded a valid prefix can be completed with a suffix.
 */
import { JsonPrefixScanner } from './json-scan.js';

export const RAW_ARGUMENTS_KEY = '_raw_arguments';

type Input = Record<string, unknown>;

function isPlainObject(value: unknown): value is Input {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A whole (non-streamed) `function.arguments` value as a tool `input` object. */
export function parseToolArguments(raw: string | Record<string, unknown> | undefined | null): Input {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'string') return isPlainObject(raw) ? raw : { [RAW_ARGUMENTS_KEY]: JSON.stringify(raw) };
  const trimmed = raw.trim();
  if (trimmed.length === 0 || trimmed === 'null') return {}; // tools without parameters
  try {
    const value: unknown = JSON.parse(trimmed);
    if (isPlainObject(value)) return value;
  } catch {
    // repaired below
  }
  const repaired = repairJsonObject(raw);
  return repaired === undefined ? { [RAW_ARGUMENTS_KEY]: raw } : (JSON.parse(repaired) as Input);
}

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function escapeControl(c: string): string {
  return ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** The text as a JSON object, repaired; undefined when no object can be made of it. */
export function repairJsonObject(raw: string): string | undefined {
  const start = raw.indexOf('{');
  if (start === -1) return undefined;
  let out = '';
  const stack: string[] = [];
  let keyPending = false; // a key was written and its ':' has not come yet
  let i = start;
  while (i < raw.length) {
    const c = raw.charAt(i);
    if (c === '"' || c === "'") {
      const { text, next } = readString(raw, i, c);
      out += text;
      i = next;
      keyPending = isKeyPosition(out.slice(0, out.length - text.length), stack);
      continue;
    }
    if (c === '{' || c === '[') { stack.push(c === '{' ? '}' : ']'); out += c; i++; continue; }
    if (c === '}' || c === ']') {
      out = dropTrailingComma(out);
      out += stack.pop() ?? c;
      i++;
      if (stack.length === 0) break; // text after the object is not part of it
      continue;
    }
    if (c === ':') { keyPending = false; out += c; i++; continue; }
    if (c === ',' || c === ' ' || c === '\n' || c === '\r' || c === '\t') { out += c; i++; continue; }
    if (/[A-Za-z0-9_$.+-]/.test(c)) {
      let j = i;
      while (j < raw.length && /[A-Za-z0-9_$.+-]/.test(raw.charAt(j))) j++;
      const word = raw.slice(i, j);
      const literal = ({ True: 'true', False: 'false', None: 'null' } as Record<string, string>)[word] ?? word;
      const isLiteral = ['true', 'false', 'null'].includes(literal) || /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(literal);
      const key = isKeyPosition(out, stack);
      out += isLiteral && !key ? literal : JSON.stringify(word);
      keyPending = key;
      i = j;
      continue;
    }
    i++; // stray characters (backticks, ';') are dropped
  }
  out = dropTrailingComma(out);
  if (keyPending) out += ':null';
  else if (/:\s*$/.test(out)) out += 'null';
  while (stack.length > 0) out += stack.pop();
  try {
    return isPlainObject(JSON.parse(out)) ? out : undefined;
  } catch {
    return undefined;
  }
}

/** A string with either quote, written as a valid double-quoted JSON string (closed if cut off). */
function readString(raw: string, start: number, quote: string): { text: string; next: number } {
  let text = '"';
  let i = start + 1;
  while (i < raw.length) {
    const c = raw.charAt(i);
    if (c === '\\' && i + 1 < raw.length) {
      const n = raw.charAt(i + 1);
      text += n === "'" ? "'" : '"\\/bfnrtu'.includes(n) ? `\\${n}` : `\\\\${n}`;
      i += 2;
      continue;
    }
    if (c === quote) return { text: `${text}"`, next: i + 1 };
    if (c === '"') text += '\\"';
    else if (c < ' ') text += escapeControl(c);
    else text += c;
    i++;
  }
  return { text: `${text}"`, next: i };
}

/** True when the next token written at the end of `out` would be an object key. */
function isKeyPosition(out: string, stack: string[]): boolean {
  if (stack[stack.length - 1] !== '}') return false;
  const last = out.trimEnd().slice(-1);
  return last === '{' || last === ',';
}

function dropTrailingComma(out: string): string {
  const trimmed = out.trimEnd();
  return trimmed.endsWith(',') ? trimmed.slice(0, -1) : out;
}

/**
 * Streamed arguments of one tool call. Text is forwarded as it arrives while it is a valid prefix
 * (the usual case, so the client sees the call build up live); from the first defect on, the rest
 * is held, and at the end the repaired remainder is sent. If nothing can be repaired, the object
 * already forwarded is closed with the raw text added under `_raw_arguments`.
 */
export class ToolArgumentsStream {
  private raw = '';
  private sent = 0;
  private readonly scanner = new JsonPrefixScanner();

  /** Arguments text arrived; returns what can be forwarded now. */
  push(delta: string): string {
    this.raw += delta;
    this.scanner.feed(delta);
    const end = this.scanner.safeEnd;
    const from = this.scanner.begin + this.sent;
    if (this.scanner.begin === -1 || end <= from) return '';
    this.sent += end - from;
    return this.raw.slice(from, end);
  }

  /** The call is complete; returns the rest to forward so that the whole is a JSON object. */
  end(): string {
    if (this.scanner.complete) return this.flush();
    if (this.raw.trim().length === 0) return ''; // no arguments: the client reads {}
    const sentText = this.sentText();
    const repaired = repairJsonObject(this.raw);
    if (repaired !== undefined && repaired.startsWith(sentText)) return repaired.slice(sentText.length);
    if (this.sent === 0) return JSON.stringify({ [RAW_ARGUMENTS_KEY]: this.raw });
    return completeWithRaw(sentText, this.raw);
  }

  private flush(): string {
    const from = this.scanner.begin + this.sent;
    this.sent = this.raw.length - this.scanner.begin;
    return this.raw.slice(from);
  }

  private sentText(): string {
    return this.scanner.begin === -1 ? '' : this.raw.slice(this.scanner.begin, this.scanner.begin + this.sent);
  }
}

/** Closes a valid JSON-object prefix, adding the raw arguments as a member of the top object. */
function completeWithRaw(prefix: string, raw: string): string {
  const scan = new JsonPrefixScanner();
  scan.feed(prefix);
  let suffix = '';
  let mode = scan.mode;
  if (mode === 'string') { suffix += '"'; mode = scan.stringIsKey ? 'colon' : 'after'; }
  if (mode === 'literal') {
    const word = ['true', 'false', 'null'].find((w) => w.startsWith(scan.literal));
    suffix += word !== undefined ? word.slice(scan.literal.length) : /[-+.eE]$/.test(scan.literal) ? '0' : '';
    mode = 'after';
  }
  if (mode === 'colon') suffix += ':null';
  else if (mode === 'value' && scan.stack[scan.stack.length - 1] === 'o') suffix += 'null';
  for (let depth = scan.stack.length - 1; depth >= 1; depth--) suffix += scan.stack[depth] === 'o' ? '}' : ']';
  if (scan.stack.length === 0) return suffix;
  return `${suffix}${scan.topHasMembers ? ',' : ''}${JSON.stringify(RAW_ARGUMENTS_KEY)}:${JSON.stringify(raw)}}`;
}
