/**
 * What `patchbay doctor` says about the permissions: rules that do not parse, rules that can
 * match nothing (a server that is not configured, a tool the server does not offer, a client
 * that does not exist), and rules that are shadowed: covered by an earlier rule of the same list
 * (redundant) or of a list evaluated before it (deny before ask before allow), so they never
 * decide anything. Coverage is judged conservatively: a rule covers another when its server,
 * tool pattern, client and argument conditions are each at least as broad.
 */
import type { CompiledPolicy, CompiledRule, PolicyProblem } from './compile.js';

export interface PolicyFinding extends PolicyProblem {}

export interface AnalyzeOptions {
  /** Servers configured for the project. */
  servers: readonly string[];
  /** Tool names per server, for the servers that could be asked (doctor probes them). */
  tools?: ReadonlyMap<string, readonly string[]>;
  /** Registered client names (`default` is always one). */
  clients?: readonly string[];
}

function covers(a: CompiledRule, b: CompiledRule): boolean {
  if (a.server !== '*' && a.server !== b.server) return false;
  if (a.tool !== undefined && (b.toolText === undefined || !a.tool(b.toolText))) return false;
  if (a.clientText !== undefined && a.clientText !== b.clientText) return false;
  const bArgs = new Set(b.args.map((c) => c.text));
  return a.args.every((c) => bArgs.has(c.text));
}

function where(rule: CompiledRule): string {
  return `${rule.list} rule "${rule.text}" (${rule.origin})`;
}

export function analyzePolicy(policy: CompiledPolicy, options: AnalyzeOptions): PolicyFinding[] {
  const findings: PolicyFinding[] = [...policy.problems];
  const rules = policy.rules;
  for (const rule of rules) {
    if (rule.server !== '*' && !options.servers.includes(rule.server)) {
      findings.push({ level: 'warning', file: rule.origin, rule: rule.text, message: `${where(rule)} names server "${rule.server}", which is not configured for this project: it matches nothing`, hint: 'Check the spelling against `patchbay mcp list`, or remove the rule.' });
      continue;
    }
    const tools = rule.server === '*' ? undefined : options.tools?.get(rule.server);
    if (tools && rule.tool && !tools.some((t) => rule.tool!(t))) {
      findings.push({ level: 'warning', file: rule.origin, rule: rule.text, message: `${where(rule)}: server "${rule.server}" has no tool matching "${rule.toolText}", so it matches nothing`, hint: `Its tools: ${tools.slice(0, 20).join(', ')}${tools.length > 20 ? ', …' : ''}.` });
    }
    if (options.clients && rule.clientText !== undefined) {
      const names = [...new Set(['default', ...options.clients])];
      if (!names.some((n) => rule.client!(n))) {
        findings.push({ level: 'warning', file: rule.origin, rule: rule.text, message: `${where(rule)}: no client matches "${rule.clientText}"`, hint: `Clients: ${names.join(', ')} (\`patchbay clients list\`).` });
      }
    }
  }
  for (let j = 0; j < rules.length; j++) {
    const b = rules[j]!;
    for (let i = 0; i < j; i++) {
      const a = rules[i]!;
      if (!covers(a, b)) continue;
      if (a.list === b.list) {
        findings.push({ level: 'info', file: b.origin, rule: b.text, message: `${where(b)} is redundant: "${a.text}" in the same list already covers it` });
      } else {
        findings.push({ level: 'warning', file: b.origin, rule: b.text, message: `${where(b)} never takes effect: ${where(a)} is evaluated first (deny → ask → allow) and covers it`, hint: `Narrow "${a.text}" or remove "${b.text}".` });
      }
      break;
    }
  }
  return findings;
}
