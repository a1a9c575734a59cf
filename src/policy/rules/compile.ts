/**
 * A policy compiled once per configuration: rules parsed, globs turned into RegExps, rules
 * indexed by server, and each (client, server, tool) resolved on first sight to the few rules
 * whose outcome depends on the arguments plus the decision that holds otherwise. A call then
 * costs one Map lookup, and a condition test only for tools that have argument conditions.
 *
 * Evaluation is Claude Code's: deny rules, then ask, then allow, first match wins; a tool no rule
 * names gets its server's `defaultMode`, else the global one. Project rules (loaded by load.ts)
 * only ever add to deny and ask, so they can tighten the user's rules and never loosen them.
 * Nothing a server says about its tools (annotations such as readOnlyHint) is consulted: the
 * spec says clients must not trust them (2025-11-25, server/tools, "Tool Annotations").
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { compilePathGlob, isPathPattern, normalizeArgPath, valueGlobMatcher, type PathContext } from './path-glob.js';
import { parseRule, type ParsedCondition, type ParsedRule } from './parse.js';

export type Mode = 'allow' | 'ask' | 'deny';
export const MODES: readonly Mode[] = ['deny', 'ask', 'allow'];

export interface RuleInput {
  list: Mode;
  text: string;
  /** The file the rule comes from, for messages. */
  origin: string;
  /** Whether it comes from the user's own config (project rules never loosen). */
  user: boolean;
}

export interface PolicyProblem {
  level: 'error' | 'warning' | 'info';
  message: string;
  hint?: string;
  file?: string;
  line?: number;
  rule?: string;
}

export interface PolicyInput {
  rules: RuleInput[];
  defaultMode: Mode;
  /** Per-server `defaultMode` (config.json `servers.<name>.defaultMode`). */
  serverModes: Record<string, Mode>;
  problems: PolicyProblem[];
  /** Set when the configuration cannot be trusted as a whole: every call is then refused with it. */
  fatal?: string;
}

export interface Decision {
  mode: Mode;
  /** The rule as written, or `defaultMode` / `servers.NAME.defaultMode`. */
  rule: string;
  origin?: string;
  /** The ask came from a default mode, so an allow rule for the tool would take effect. */
  fromDefault: boolean;
}

export interface CompiledRule {
  list: Mode;
  text: string;
  origin: string;
  user: boolean;
  server: string; // '*' for every server
  tool: ((tool: string) => boolean) | undefined; // undefined: every tool
  toolText: string | undefined;
  client: ((client: string) => boolean) | undefined;
  clientText: string | undefined;
  args: ArgCondition[];
  /** What this rule decides when it matches (built once, returned as is). */
  decision: Decision;
}

interface ArgCondition {
  text: string;
  path: string[];
  test(value: string): boolean;
  /** Whether the raw value is turned into a normalised path first. */
  isPath: boolean;
  equals?: string;
}

export interface CompileOptions {
  /** Configured server names: a rule's body is split at the longest one it starts with. */
  servers: readonly string[];
  paths: PathContext;
}

export interface CompiledPolicy {
  /** SHA-256 (16 hex) of the effective rules: approvals are bound to it. */
  readonly version: string;
  readonly rules: readonly CompiledRule[];
  readonly problems: readonly PolicyProblem[];
  readonly fatal: string | undefined;
  decide(client: string, server: string, tool: string, args: Record<string, unknown>): Decision;
  /** The decision when it is deny whatever the arguments (the tool is left out of lists), else undefined. */
  alwaysDenied(client: string, server: string, tool: string): Decision | undefined;
}

interface Resolution {
  /** Rules whose outcome depends on the arguments, in evaluation order. */
  conditional: CompiledRule[];
  /** What holds when none of them matches. */
  fallback: Decision;
  alwaysDenied: boolean;
}

/** Splits `server__tool` at the longest configured server name it starts with. */
export function splitBody(body: string, servers: readonly string[]): { server: string; tool: string | undefined } {
  if (body === '*' || body.startsWith('*__')) return { server: '*', tool: body === '*' ? undefined : body.slice(3) || undefined };
  let best: string | undefined;
  for (const s of servers) {
    if ((body === s || body.startsWith(`${s}__`)) && (best === undefined || s.length > best.length)) best = s;
  }
  if (best === undefined) {
    const at = body.indexOf('__');
    best = at === -1 ? body : body.slice(0, at);
  }
  const tool = body === best ? undefined : body.slice(best.length + 2);
  return { server: best, tool: tool === '' || tool === '*' ? undefined : tool };
}

function compileCondition(c: Exclude<ParsedCondition, { kind: 'client' }>, paths: PathContext): ArgCondition {
  const path = c.arg.split('.');
  if (c.kind === 'equals') return { text: c.text, path, isPath: false, equals: c.value, test: (v) => v === c.value };
  if (isPathPattern(c.pattern)) {
    const re = compilePathGlob(c.pattern, paths);
    return { text: c.text, path, isPath: true, test: (v) => re.test(v) };
  }
  return { text: c.text, path, isPath: false, test: valueGlobMatcher(c.pattern) };
}

export function compileRule(input: RuleInput, parsed: ParsedRule, options: CompileOptions): CompiledRule {
  const { server, tool } = splitBody(parsed.body, options.servers);
  let client: CompiledRule['client'];
  let clientText: string | undefined;
  const args: ArgCondition[] = [];
  for (const c of parsed.conditions) {
    if (c.kind === 'client') {
      const previous = client;
      const own = c.exact ? (name: string) => name === c.pattern : valueGlobMatcher(c.pattern);
      client = previous ? (name) => previous(name) && own(name) : own;
      clientText = clientText ? `${clientText}, ${c.text}` : c.text;
    } else {
      args.push(compileCondition(c, options.paths));
    }
  }
  return {
    list: input.list,
    text: parsed.text,
    origin: input.origin,
    user: input.user,
    server,
    tool: tool === undefined ? undefined : valueGlobMatcher(tool),
    toolText: tool,
    client,
    clientText,
    args,
    decision: { mode: input.list, rule: parsed.text, origin: input.origin, fromDefault: false },
  };
}

function valueAt(args: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = args;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function asText(value: unknown, condition: ArgCondition, paths: PathContext): string | undefined {
  if (typeof value === 'string') return condition.isPath ? normalizeArgPath(value, paths) : value;
  if (condition.isPath) return undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  return undefined;
}

/**
 * Whether one condition holds. An array argument (several paths, say) holds for a deny or ask
 * rule when any element matches, and for an allow rule only when every element does: an allow
 * must never let one permitted path carry a forbidden one along.
 */
function conditionHolds(condition: ArgCondition, list: Mode, args: Record<string, unknown>, paths: PathContext): boolean {
  const value = valueAt(args, condition.path);
  if (Array.isArray(value)) {
    if (value.length === 0) return false;
    const test = (v: unknown) => {
      const text = asText(v, condition, paths);
      return text !== undefined && condition.test(text);
    };
    return list === 'allow' ? value.every(test) : value.some(test);
  }
  const text = asText(value, condition, paths);
  return text !== undefined && condition.test(text);
}

function ruleAppliesTo(rule: CompiledRule, client: string, server: string, tool: string): boolean {
  if (rule.server !== '*' && rule.server !== server) return false;
  if (rule.tool !== undefined && !rule.tool(tool)) return false;
  return rule.client === undefined || rule.client(client);
}

export function policyVersionOf(input: PolicyInput): string {
  const text = canonicalize({ rules: input.rules.map((r) => [r.list, r.text, r.user]), defaultMode: input.defaultMode, serverModes: input.serverModes, fatal: input.fatal ?? null }) ?? '';
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Parses and compiles; rules that do not parse were reported by the loader and are skipped here. */
export function compilePolicy(input: PolicyInput, options: CompileOptions): CompiledPolicy {
  const rules: CompiledRule[] = [];
  for (const list of MODES) {
    for (const r of input.rules) {
      if (r.list !== list) continue;
      const parsed = parseRule(r.text);
      if (parsed.ok) rules.push(compileRule(r, parsed.rule, options));
    }
  }
  const byServer = new Map<string, CompiledRule[]>();
  const forServer = (server: string): CompiledRule[] => {
    let list = byServer.get(server);
    if (!list) {
      list = rules.filter((r) => r.server === '*' || r.server === server);
      byServer.set(server, list);
    }
    return list;
  };
  // client → server → tool: nested Maps, so a lookup builds no key string.
  const cache = new Map<string, Map<string, Map<string, Resolution>>>();
  let cached = 0;
  const version = policyVersionOf(input);
  const fatal = input.fatal;

  function resolve(client: string, server: string, tool: string): Resolution {
    let byServer = cache.get(client);
    if (!byServer) cache.set(client, (byServer = new Map()));
    let byTool = byServer.get(server);
    if (!byTool) byServer.set(server, (byTool = new Map()));
    let found = byTool.get(tool);
    if (found) return found;
    const conditional: CompiledRule[] = [];
    let fallback: Decision | undefined;
    for (const rule of forServer(server)) {
      if (!ruleAppliesTo(rule, client, server, tool)) continue;
      if (rule.args.length > 0) {
        conditional.push(rule);
        continue;
      }
      fallback = rule.decision;
      break;
    }
    if (!fallback) {
      const serverMode = input.serverModes[server];
      fallback = serverMode !== undefined
        ? { mode: serverMode, rule: `servers.${server}.defaultMode`, fromDefault: true }
        : { mode: input.defaultMode, rule: 'defaultMode', fromDefault: true };
    }
    found = { conditional, fallback, alwaysDenied: fallback.mode === 'deny' && conditional.every((r) => r.list === 'deny') };
    // Bounded: clients × tools is small, but a client inventing tool names must not grow it forever.
    if (++cached > 20_000) {
      cache.clear();
      cached = 0;
    }
    byTool.set(tool, found);
    return found;
  }

  return {
    version,
    rules,
    problems: input.problems,
    fatal,
    decide(client, server, tool, args) {
      if (fatal !== undefined) return { mode: 'deny', rule: 'invalid permissions', fromDefault: false };
      const r = resolve(client, server, tool);
      for (const rule of r.conditional) {
        let holds = true;
        for (const c of rule.args) {
          if (!conditionHolds(c, rule.list, args, options.paths)) {
            holds = false;
            break;
          }
        }
        if (holds) return rule.decision;
      }
      return r.fallback;
    },
    alwaysDenied(client, server, tool) {
      if (fatal !== undefined) return undefined;
      const r = resolve(client, server, tool);
      return r.alwaysDenied ? r.fallback : undefined;
    },
  };
}
