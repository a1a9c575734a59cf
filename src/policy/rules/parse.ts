/**
 * Permission rules in Claude Code's words (settings.json `permissions.allow|ask|deny`): `mcp__S`
 * and `mcp__S__*` name every tool of server S, `mcp__S__T` one tool (a `*` in T is a wildcard:
 * `mcp__github__get_*`), and `mcp__*` every server. Patchbay adds conditions in parentheses, in
 * the `key:value` form of Claude Code's `WebFetch(domain:…)`:
 *
 *   mcp__files__write_file(path:~/projects/**)   a path glob on the argument `path`
 *   mcp__github__create_issue(repo=acme/web)     an exact value (numbers and booleans as JSON)
 *   mcp__shell(client:cursor)                     the calling client (a `*` glob)
 *   mcp__web__fetch(url:https://*.example.com/*)  a value glob (`*` is any run of characters)
 *   mcp__x__y(client:ci, mode="a, b")             several conditions: all must hold; quote a
 *                                                 value with `,` `)` or leading spaces
 *
 * A glob that starts with `/`, `~`, `./` or `../` is a path glob (path-glob.ts). `client` is
 * reserved; a dotted key (`options.path`) reaches into an object argument. Parsing is done once
 * per rule when the policy is compiled, never per call.
 */

export type ParsedCondition =
  | { kind: 'client'; pattern: string; exact: boolean; text: string }
  | { kind: 'glob'; arg: string; pattern: string; text: string }
  | { kind: 'equals'; arg: string; value: string; text: string };

export interface ParsedRule {
  text: string;
  /** Between `mcp__` and `(`: the server and tool, split against the configured servers later. */
  body: string;
  conditions: ParsedCondition[];
}

export type ParseOutcome =
  | { ok: true; rule: ParsedRule }
  /** A rule for something else than MCP tools (`Bash(…)`, `Read(…)`): Claude Code's, not ours. */
  | { ok: false; ignored: true; reason: string }
  | { ok: false; ignored: false; reason: string; hint: string };

const BODY = /^(?:\*|[A-Za-z0-9_.@-]+)(?:__[A-Za-z0-9_.@*-]*)?$/;
const KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*(?:\.[A-Za-z_$][A-Za-z0-9_$-]*)*$/;
const SYNTAX_HINT = 'Write mcp__SERVER, mcp__SERVER__TOOL or mcp__SERVER__TOOL(arg:glob, arg=value, client:name).';

export function parseRule(text: string): ParseOutcome {
  const trimmed = text.trim();
  if (!trimmed.startsWith('mcp__')) {
    const shell = /^Bash(\(|$)/.test(trimmed) ? '; `patchbay server shell` reads it as a command rule (command-rule.ts)' : '';
    return { ok: false, ignored: true, reason: `"${text}" is not an MCP rule (Patchbay's gateway governs MCP tools only; Claude Code applies it to itself${shell})` };
  }
  const open = trimmed.indexOf('(');
  const body = (open === -1 ? trimmed : trimmed.slice(0, open)).slice('mcp__'.length);
  if (body === '' || !BODY.test(body)) {
    return { ok: false, ignored: false, reason: `"${text}": "${body}" is not a server and tool name`, hint: SYNTAX_HINT };
  }
  if (open === -1) return { ok: true, rule: { text: trimmed, body, conditions: [] } };
  if (!trimmed.endsWith(')')) return { ok: false, ignored: false, reason: `"${text}": the conditions must end with ")"`, hint: SYNTAX_HINT };
  const parts = splitConditions(trimmed.slice(open + 1, -1));
  if (typeof parts === 'string') return { ok: false, ignored: false, reason: `"${text}": ${parts}`, hint: SYNTAX_HINT };
  if (parts.length === 0) return { ok: false, ignored: false, reason: `"${text}": empty parentheses`, hint: `Drop the "()" or add a condition. ${SYNTAX_HINT}` };
  const conditions: ParsedCondition[] = [];
  for (const part of parts) {
    const condition = parseCondition(part);
    if (typeof condition === 'string') return { ok: false, ignored: false, reason: `"${text}": ${condition}`, hint: SYNTAX_HINT };
    conditions.push(condition);
  }
  return { ok: true, rule: { text: trimmed, body, conditions } };
}

/** Splits on commas outside double quotes; quotes are kept for parseCondition. */
function splitConditions(inner: string): string[] | string {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (quoted) {
      current += c;
      if (c === '\\') current += inner[++i] ?? '';
      else if (c === '"') quoted = false;
    } else if (c === '"') {
      quoted = true;
      current += c;
    } else if (c === ',') {
      parts.push(current);
      current = '';
    } else if (c === '(' || c === ')') {
      return `"${c}" inside the conditions must be quoted ("…")`;
    } else {
      current += c;
    }
  }
  if (quoted) return 'a quoted value is not closed';
  if (current.trim() !== '' || parts.length > 0) parts.push(current);
  return parts;
}

function parseCondition(raw: string): ParsedCondition | string {
  const part = raw.trim();
  const at = part.search(/[:=]/);
  if (at <= 0) return `condition "${part}" needs a key: write key:glob or key=value`;
  const key = part.slice(0, at).trim();
  const operator = part[at];
  let value = part.slice(at + 1).trim();
  if (!KEY.test(key)) return `"${key}" is not an argument name`;
  if (value.startsWith('"')) {
    try {
      value = JSON.parse(value) as string;
    } catch {
      return `the quoted value in "${part}" is not a valid JSON string`;
    }
  }
  if (value === '') return `condition "${part}" has no value`;
  const text = `${key}${operator}${value}`;
  if (key === 'client') return { kind: 'client', pattern: value, exact: operator === '=', text };
  return operator === '=' ? { kind: 'equals', arg: key, value, text } : { kind: 'glob', arg: key, pattern: value, text };
}
