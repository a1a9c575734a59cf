/**
 * `JSON.parse` of a request body without ever holding the whole body as one string. V8 puts a
 * string of more than about 128 KB in its large-object space, and making one (Buffer → string)
 * costs around 1.5 ms of CPU for 200 KB, several times more than parsing it: most of what a large
 * Claude Code request cost the proxy. A large body is therefore cut at its top-level structure —
 * each member of the object, and each element of a large array (`messages`, `tools`) — and every
 * piece is decoded and parsed on its own; pieces are small and cheap.
 *
 * The result equals `JSON.parse(raw.toString('utf8'))`. Anything unusual (invalid JSON, a
 * `__proto__` key, a body that is not an object) takes that plain path, so errors read the same.
 */

/** Bodies up to this size are parsed in one piece: their string is an ordinary heap object. */
const WHOLE_BELOW = 64 * 1024;
/** A top-level array value at least this long is parsed element by element. */
const SPLIT_FROM = 16 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length >= WHOLE_BELOW) {
    const value = parseInPieces(raw);
    if (value !== undefined) return value;
  }
  return JSON.parse(raw.toString('utf8'));
}

/** Thrown inside the piecewise parse when the plain path must decide (and word the error). */
const GIVE_UP = Symbol('give up');

function parseInPieces(raw: Buffer): Record<string, unknown> | undefined {
  try {
    return parseObject(raw);
  } catch (error) {
    if (error === GIVE_UP || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

function parseObject(buf: Buffer): Record<string, unknown> {
  let i = skipSpace(buf, 0);
  if (buf[i] !== OPEN_OBJECT) throw GIVE_UP;
  const out: Record<string, unknown> = {};
  i = skipSpace(buf, i + 1);
  if (buf[i] === CLOSE_OBJECT) return finish(buf, i + 1, out);
  for (;;) {
    if (buf[i] !== QUOTE) throw GIVE_UP;
    const keyEnd = stringEnd(buf, i);
    const key = JSON.parse(buf.toString('utf8', i, keyEnd)) as string;
    if (key === '__proto__') throw GIVE_UP;
    i = skipSpace(buf, keyEnd);
    if (buf[i] !== COLON) throw GIVE_UP;
    const start = skipSpace(buf, i + 1);
    const end = valueEnd(buf, start);
    out[key] = buf[start] === OPEN_ARRAY && end - start >= SPLIT_FROM ? parseArray(buf, start, end) : parsePiece(buf, start, end);
    i = end;
    if (buf[i] === CLOSE_OBJECT) return finish(buf, i + 1, out);
    if (buf[i] !== COMMA) throw GIVE_UP;
    i = skipSpace(buf, i + 1);
  }
}

/** The array `buf[start, end)`, trailing whitespace included, parsed element by element. */
function parseArray(buf: Buffer, start: number, end: number): unknown[] {
  const out: unknown[] = [];
  let i = skipSpace(buf, start + 1);
  if (buf[i] === CLOSE_ARRAY) return closeArray(buf, i, end, out);
  for (;;) {
    const elementEnd = valueEnd(buf, i);
    out.push(parsePiece(buf, i, elementEnd));
    i = elementEnd;
    if (buf[i] === CLOSE_ARRAY) return closeArray(buf, i, end, out);
    if (buf[i] !== COMMA) throw GIVE_UP;
    i = skipSpace(buf, i + 1);
  }
}

function closeArray(buf: Buffer, close: number, end: number, out: unknown[]): unknown[] {
  if (skipSpace(buf, close + 1) !== end) throw GIVE_UP;
  return out;
}

function finish(buf: Buffer, i: number, out: Record<string, unknown>): Record<string, unknown> {
  if (skipSpace(buf, i) !== buf.length) throw GIVE_UP;
  return out;
}

/** Pieces start and end at ASCII structure, so no UTF-8 sequence is ever cut. */
function parsePiece(buf: Buffer, start: number, end: number): unknown {
  if (start >= end) throw GIVE_UP;
  return JSON.parse(buf.toString('utf8', start, end));
}

function skipSpace(buf: Buffer, i: number): number {
  while (i < buf.length) {
    const b = buf[i]!;
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) break;
    i++;
  }
  return i;
}

/** Index just past the string whose opening quote is at `i`. */
function stringEnd(buf: Buffer, i: number): number {
  for (;;) {
    const quote = buf.indexOf(QUOTE, i + 1);
    if (quote === -1) throw GIVE_UP;
    let backslashes = 0;
    while (buf[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote;
  }
}

/**
 * Index of the comma, `]` or `}` that ends the value starting at `i` (strings skipped whole). The
 * brackets are only counted: a piece with mismatched ones fails its own `JSON.parse`.
 */
function valueEnd(buf: Buffer, i: number): number {
  let depth = 0;
  for (; i < buf.length; i++) {
    const b = buf[i]!;
    if (b === QUOTE) i = stringEnd(buf, i) - 1;
    else if (b === OPEN_OBJECT || b === OPEN_ARRAY) depth++;
    else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
      if (depth === 0) return i;
      depth--;
    } else if (b === COMMA && depth === 0) return i;
  }
  throw GIVE_UP;
}
