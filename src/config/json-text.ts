/**
 * Strict JSON parsing with positions. Hosts read their config with JSON.parse, so comments and
 * trailing commas are errors here too: accepting them would let Patchbay bless a file that
 * Claude Code then refuses ("MCP config is not a valid JSON"). jsonc-parser gives offsets for
 * every error and a tree to locate schema problems; JSON.parse stays the final judge of values.
 */
import { maskSecretsInJsonLine } from '../secrets/redact/index.js';
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';

export interface JsonSyntaxError {
  message: string;
  line: number;
  column: number;
  sourceLine: string;
}

export type JsonParseResult =
  | { ok: true; value: unknown; tree: Node | undefined }
  | { ok: false; error: JsonSyntaxError };

export interface Position {
  line: number;
  column: number;
  sourceLine: string;
}

/** 1-based line and column of `offset`, with the text of that line. */
export function positionAt(text: string, offset: number): Position {
  const clamped = Math.max(0, Math.min(offset, text.length));
  const lineStart = text.lastIndexOf('\n', clamped - 1) + 1;
  let lineEnd = text.indexOf('\n', clamped);
  if (lineEnd === -1) lineEnd = text.length;
  const line = countNewlines(text, lineStart) + 1;
  // The line is shown to the user (and may end up in logs): never with a secret in it.
  const sourceLine = maskSecretsInJsonLine(text.slice(lineStart, lineEnd).replace(/\r$/, ''));
  return { line, column: clamped - lineStart + 1, sourceLine };
}

function countNewlines(text: string, end: number): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

export function parseJsonText(text: string): JsonParseResult {
  // An empty file is treated as an empty object: `touch .mcp.json` is a common first step.
  if (text.trim() === '') return { ok: true, value: {}, tree: undefined };
  // Fast path: ~/.claude.json can be megabytes; JSON.parse is the hosts' own judge and is quick.
  // The position-aware parse runs only to explain a failure (or lazily, to locate a schema problem).
  try {
    return { ok: true, value: JSON.parse(text) as unknown, tree: undefined };
  } catch (error) {
    const errors: ParseError[] = [];
    parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
    const first = errors[0];
    if (first) return { ok: false, error: { message: describeError(text, first), ...positionAt(text, first.offset) } };
    // jsonc-parser is laxer than JSON.parse in rare corners (a byte-order mark, for one).
    const match = /position (\d+)/.exec(String(error));
    const position = positionAt(text, match ? Number(match[1]) : 0);
    return { ok: false, error: { message: (error as Error).message, ...position } };
  }
}

/** The syntax tree, for locating schema problems in a file that parsed. */
export function treeOf(text: string): Node | undefined {
  return parseTree(text, [], { disallowComments: true, allowTrailingComma: false });
}

function describeError(text: string, error: ParseError): string {
  const code = printParseErrorCode(error.error);
  const before = previousSignificantChar(text, error.offset);
  const closer = enclosingCloser(text, error.offset);
  switch (code) {
    case 'PropertyNameExpected':
    case 'ValueExpected':
      if (before === ',' && (text[error.offset] === '}' || text[error.offset] === ']')) {
        return 'trailing comma: JSON does not allow a comma before a closing bracket';
      }
      return code === 'ValueExpected' ? 'expected a value' : 'expected a property name in double quotes';
    case 'CommaExpected':
      return `expected ',' or '${closer ?? '}'}'`;
    case 'ColonExpected':
      return "expected ':' after the property name";
    case 'CloseBraceExpected':
      return "expected '}' (the object is not closed)";
    case 'CloseBracketExpected':
      return "expected ']' (the array is not closed)";
    case 'EndOfFileExpected':
      return 'unexpected text after the end of the JSON value';
    case 'InvalidCommentToken':
    case 'UnexpectedEndOfComment':
      return 'comments are not allowed in JSON (hosts reject them)';
    case 'UnexpectedEndOfString':
      return 'string is not closed';
    case 'InvalidEscapeCharacter':
      return 'invalid escape sequence in string (write a backslash as \\\\)';
    case 'InvalidCharacter':
      return 'invalid character in string (control characters must be escaped)';
    case 'InvalidUnicode':
      return 'invalid \\u escape in string';
    case 'InvalidNumberFormat':
    case 'UnexpectedEndOfNumber':
      return 'invalid number';
    default:
      return 'unexpected character';
  }
}

function previousSignificantChar(text: string, offset: number): string | undefined {
  for (let i = offset - 1; i >= 0; i--) {
    const ch = text[i]!;
    if (!/\s/.test(ch)) return ch;
  }
  return undefined;
}

/** The closing bracket the innermost open container at `offset` expects. */
function enclosingCloser(text: string, offset: number): '}' | ']' | undefined {
  const stack: string[] = [];
  let inString = false;
  for (let i = 0; i < offset && i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') stack.push(ch);
    else if (ch === '}' || ch === ']') stack.pop();
  }
  const top = stack[stack.length - 1];
  return top === '[' ? ']' : top === '{' ? '}' : undefined;
}

/** Position of the value at `path` in the parsed tree (for schema problems), if found. */
export function locate(text: string, tree: Node | undefined, path: (string | number)[]): Position | undefined {
  tree ??= treeOf(text);
  if (!tree) return undefined;
  for (let depth = path.length; depth >= 0; depth--) {
    const node = findNodeAtLocation(tree, path.slice(0, depth));
    if (node) {
      // Point at the property name when there is one: that is what the user will look for.
      const target = node.parent?.type === 'property' ? node.parent : node;
      return positionAt(text, target.offset);
    }
  }
  return undefined;
}

/** `file:line:column: message`, the source line and a caret under the column. */
export function formatLocated(file: string, message: string, position?: Position): string {
  if (!position) return `${file}: ${message}`;
  const caretPad = position.sourceLine.slice(0, position.column - 1).replace(/[^\t]/g, ' ');
  return `${file}:${position.line}:${position.column}: ${message}\n  ${position.sourceLine}\n  ${caretPad}^`;
}
