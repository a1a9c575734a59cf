/**
 * Where the rules come from:
 *
 * - the user's own: `permissions` (`allow`, `ask`, `deny`, `defaultMode`, `approvals`) and
 *   `servers.<name>.defaultMode` in Patchbay's config.json;
 * - the project's: `permissions.deny` and `permissions.ask` of `.claude/settings.json` and
 *   `.claude/settings.local.json` under the project root, the files where Claude Code keeps its
 *   own rules in the same words. A project is someone else's input (a cloned repository), so
 *   its rules may only tighten: its `allow` entries are ignored (and doctor says so).
 *
 * A configuration that cannot be trusted (config.json is not valid JSON, a deny or ask rule does
 * not parse) is fatal: the policy then refuses every call with the reason, rather than run with
 * a deny rule silently missing. A broken allow rule only allows less, so it is skipped.
 */
import { join } from 'node:path';
import { parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { patchbayConfigPath } from '../../config/patchbay-config.js';
import { isJsonObject, readTextIfExists } from '../../config/store/json-file.js';
import type { Mode, PolicyInput, PolicyProblem, RuleInput } from './compile.js';
import { parseRule } from './parse.js';

export interface ApprovalSettings {
  /** How long a call waits for an answer before it is denied (default 120 s). */
  timeoutMs: number;
  /** How long an unanswered or answered-but-unused approval stays valid (default 10 min). */
  keepMs: number;
  /**
   * Ask through the calling client's own dialog too (default true). A host that answers
   * elicitations by itself would approve its own calls: `"elicit": false` leaves the answer to
   * `patchbay approvals` alone.
   */
  elicit: boolean;
}

export interface LoadedPolicy {
  input: PolicyInput;
  approvals: ApprovalSettings;
  /** The files read (config.json first), for reload checks. */
  files: string[];
}

export interface LoadPolicyOptions {
  projectRoot: string;
  configFile?: string;
}

const MODE_VALUES: readonly Mode[] = ['allow', 'ask', 'deny'];
const KNOWN_PERMISSION_KEYS = new Set(['allow', 'ask', 'deny', 'defaultMode', 'approvals', 'additionalDirectories', 'disableBypassPermissionsMode']);

export function projectPolicyFiles(projectRoot: string): string[] {
  return [join(projectRoot, '.claude', 'settings.json'), join(projectRoot, '.claude', 'settings.local.json')];
}

function lineOf(text: string, needle: string): number | undefined {
  const at = text.indexOf(JSON.stringify(needle));
  return at === -1 ? undefined : text.slice(0, at).split('\n').length;
}

function parseObject(text: string, file: string): { data?: Record<string, unknown>; problem?: PolicyProblem } {
  if (text.trim() === '') return { data: {} };
  const errors: ParseError[] = [];
  parseTree(text.replace(/^\uFEFF/, ''), errors, { allowTrailingComma: false, disallowComments: true });
  const first = errors[0];
  if (first) {
    const line = text.slice(0, first.offset).split('\n').length;
    return { problem: { level: 'error', file, line, message: `${file}:${line}: invalid JSON (${printParseErrorCode(first.error)})`, hint: 'Fix the JSON at that line.' } };
  }
  const data: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
  if (!isJsonObject(data)) return { problem: { level: 'error', file, message: `${file}: expected a JSON object at the top level` } };
  return { data };
}

export async function loadPolicy(options: LoadPolicyOptions): Promise<LoadedPolicy> {
  const configFile = options.configFile ?? patchbayConfigPath();
  const problems: PolicyProblem[] = [];
  const rules: RuleInput[] = [];
  const serverModes: Record<string, Mode> = {};
  let defaultMode: Mode = 'allow';
  const approvals: ApprovalSettings = { timeoutMs: 120_000, keepMs: 600_000, elicit: true };
  let fatal: string | undefined;
  const fail = (problem: PolicyProblem) => {
    problems.push(problem);
    fatal ??= problem.message;
  };

  const userText = await readTextIfExists(configFile).catch((error: Error) => {
    fail({ level: 'error', file: configFile, message: `${configFile}: cannot be read (${error.message})` });
    return undefined;
  });
  if (userText !== undefined) {
    const { data, problem } = parseObject(userText, configFile);
    if (problem) fail(problem);
    if (data) {
      const permissions = data.permissions;
      if (permissions !== undefined && !isJsonObject(permissions)) {
        fail({ level: 'error', file: configFile, message: `${configFile}: "permissions" must be an object with "allow", "ask" and "deny" lists` });
      } else if (permissions) {
        for (const key of Object.keys(permissions)) {
          if (!KNOWN_PERMISSION_KEYS.has(key)) problems.push({ level: 'warning', file: configFile, line: lineOf(userText, key), message: `${configFile}: permissions.${key} is not a setting Patchbay knows; it is ignored`, hint: 'Patchbay reads allow, ask, deny, defaultMode and approvals.' });
        }
        for (const list of MODE_VALUES) readList(permissions[list], list, configFile, userText, true, rules, problems, fail);
        const mode = permissions.defaultMode;
        if (mode !== undefined) {
          if (typeof mode === 'string' && (MODE_VALUES as readonly string[]).includes(mode)) defaultMode = mode as Mode;
          else fail({ level: 'error', file: configFile, line: lineOf(userText, 'defaultMode'), message: `${configFile}: permissions.defaultMode must be "allow", "ask" or "deny", not ${JSON.stringify(mode)}`, hint: "Claude Code's own modes (acceptEdits, plan, …) do not apply to MCP tools at the gateway." });
        }
        readApprovals(permissions.approvals, approvals, configFile, problems);
      }
      const servers = data.servers;
      if (isJsonObject(servers)) {
        for (const [name, settings] of Object.entries(servers)) {
          if (!isJsonObject(settings) || settings.defaultMode === undefined) continue;
          const mode = settings.defaultMode;
          if (typeof mode === 'string' && (MODE_VALUES as readonly string[]).includes(mode)) serverModes[name] = mode as Mode;
          else fail({ level: 'error', file: configFile, message: `${configFile}: servers.${name}.defaultMode must be "allow", "ask" or "deny", not ${JSON.stringify(mode)}` });
        }
      }
    }
  }

  const files = [configFile];
  for (const file of projectPolicyFiles(options.projectRoot)) {
    files.push(file);
    const text = await readTextIfExists(file).catch(() => undefined);
    if (text === undefined) continue;
    const { data, problem } = parseObject(text, file);
    if (problem) {
      fail(problem);
      continue;
    }
    const permissions = data?.permissions;
    if (!isJsonObject(permissions)) continue;
    readList(permissions.deny, 'deny', file, text, false, rules, problems, fail);
    readList(permissions.ask, 'ask', file, text, false, rules, problems, fail);
    if (Array.isArray(permissions.allow)) {
      for (const entry of permissions.allow) {
        if (typeof entry === 'string' && entry.startsWith('mcp__')) {
          problems.push({ level: 'info', file, line: lineOf(text, entry), rule: entry, message: `${file}: allow rule "${entry}" is ignored by Patchbay: a project's files may add restrictions, never loosen yours`, hint: `To allow it for every host, add it to "permissions.allow" in ${configFile}.` });
        }
      }
    }
  }
  return { input: { rules, defaultMode, serverModes, problems, ...(fatal !== undefined ? { fatal } : {}) }, approvals, files };
}

function readList(value: unknown, list: Mode, file: string, text: string, user: boolean, rules: RuleInput[], problems: PolicyProblem[], fail: (p: PolicyProblem) => void): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    const problem = { level: 'error' as const, file, message: `${file}: permissions.${list} must be a list of rules`, hint: 'For example: "deny": ["mcp__shell", "mcp__files__write_file(path:~/.ssh/**)"]' };
    if (list === 'allow') problems.push(problem);
    else fail(problem);
    return;
  }
  for (const entry of value) {
    if (typeof entry !== 'string') {
      problems.push({ level: 'warning', file, message: `${file}: permissions.${list} holds ${JSON.stringify(entry)}, which is not a rule; it is ignored` });
      continue;
    }
    const parsed = parseRule(entry);
    const line = lineOf(text, entry);
    if (parsed.ok) {
      rules.push({ list, text: entry, origin: file, user });
    } else if (parsed.ignored) {
      // Claude Code's own rules (Bash, Read, …) are at home in .claude/settings.json.
      if (user) problems.push({ level: 'info', file, line, rule: entry, message: `${file}${line ? `:${line}` : ''}: ${parsed.reason}` });
    } else {
      const problem: PolicyProblem = { level: 'error', file, line, rule: entry, message: `${file}${line ? `:${line}` : ''}: ${list} rule ${parsed.reason}`, hint: parsed.hint };
      // An allow rule that does not parse allows nothing; a deny or ask rule must not vanish.
      if (list === 'allow') problems.push(problem);
      else fail(problem);
    }
  }
}

function readApprovals(value: unknown, into: ApprovalSettings, file: string, problems: PolicyProblem[]): void {
  if (value === undefined) return;
  if (!isJsonObject(value)) {
    problems.push({ level: 'warning', file, message: `${file}: permissions.approvals must be an object ({"timeoutSeconds": 120, "keepSeconds": 600, "elicit": true}); defaults are used` });
    return;
  }
  if (typeof value.elicit === 'boolean') into.elicit = value.elicit;
  else if (value.elicit !== undefined) problems.push({ level: 'warning', file, message: `${file}: permissions.approvals.elicit must be true or false; true is used` });
  for (const [key, target] of [['timeoutSeconds', 'timeoutMs'], ['keepSeconds', 'keepMs']] as const) {
    const v = value[key];
    if (v === undefined) continue;
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) into[target] = Math.round(v * 1000);
    else problems.push({ level: 'warning', file, message: `${file}: permissions.approvals.${key} must be a positive number of seconds, not ${JSON.stringify(v)}; the default is used` });
  }
  if (into.keepMs < into.timeoutMs) into.keepMs = into.timeoutMs;
}
