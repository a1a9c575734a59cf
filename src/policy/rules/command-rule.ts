/**
 * Shell command rules in Claude Code's words (`permissions.allow|deny` entries `Bash(…)`):
 *
 *   Bash(npm test)          exactly `npm test`
 *   Bash(npm run test:*)    `npm run test` followed by anything (also written `npm run test *`)
 *   Bash  /  Bash(*)        any command (wrappers such as `env`, `bash -c`, `xargs` excepted)
 *
 * A rule is a list of words compared with the words of one simple command after the shell's
 * quote removal (`m'o'unt` is `mount`). The words a rule names must be written out in the
 * command: a word computed by `$VAR`, `$(…)` or a glob never matches an allow rule, and always
 * matches a deny rule. The shell server (src/servers/shell/) splits a command line into its
 * simple commands with a real parser before asking this module.
 */

/** One word of a simple command: its text after quote removal, or undefined when only known at run time. */
export interface CommandWord {
  value?: string;
}

export interface CommandRule {
  text: string;
  /** The words the rule names; empty with `any`. */
  words: string[];
  /** `:*` / ` *`: more words may follow. */
  prefix: boolean;
  /** `Bash` or `Bash(*)`. */
  any: boolean;
  /** Where it was written (a file, or `--allow`). */
  origin: string;
}

export type CommandRuleParse = { ok: true; rule: CommandRule } | { ok: false; reason: string };

/**
 * Commands that run another command given as their arguments. `Bash(*)` does not reach through
 * them (that would allow everything a deny rule names); a rule must name them, and deny rules
 * are also checked against the command they run.
 */
export const COMMAND_WRAPPERS = new Set([
  'env', 'command', 'builtin', 'exec', 'eval', 'source', '.', 'sudo', 'doas', 'su', 'xargs', 'nohup', 'nice', 'ionice', 'timeout', 'time',
  'stdbuf', 'setsid', 'chroot', 'unshare', 'nsenter', 'bwrap', 'script', 'watch', 'flock', 'strace', 'ltrace',
  'sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'fish', 'csh', 'tcsh', 'busybox',
]);

export function isCommandRuleText(text: string): boolean {
  return /^Bash(\(|$)/.test(text.trim());
}

export function parseCommandRule(text: string, origin: string): CommandRuleParse {
  const trimmed = text.trim();
  if (trimmed === 'Bash' || trimmed === 'Bash(*)') return { ok: true, rule: { text: trimmed, words: [], prefix: true, any: true, origin } };
  const match = /^Bash\((.*)\)$/s.exec(trimmed);
  if (!match) return { ok: false, reason: `"${text}" is not a command rule: write Bash(npm test) or Bash(npm run test:*)` };
  let body = match[1]!.trim();
  let prefix = false;
  if (body.endsWith(':*')) {
    prefix = true;
    body = body.slice(0, -2).trimEnd();
  } else if (body === '*' || body.endsWith(' *')) {
    prefix = true;
    body = body.slice(0, -1).trimEnd();
  }
  const words = body === '' ? [] : body.split(/\s+/);
  if (words.length === 0) return { ok: false, reason: `"${text}" names no command` };
  if (words.some((w) => /[*?[\]$`'"\\;&|<>(){}]/.test(w))) {
    return { ok: false, reason: `"${text}": only plain words and a trailing ":*" are understood (no quotes, globs or shell syntax inside the rule)` };
  }
  return { ok: true, rule: { text: trimmed, words, prefix, any: false, origin } };
}

function baseName(word: string): string {
  const at = word.lastIndexOf('/');
  return at === -1 ? word : word.slice(at + 1);
}

/** An allow rule holds only for words written out, the first one exactly as in the rule (no path). */
export function allowRuleMatches(rule: CommandRule, words: readonly CommandWord[]): boolean {
  const first = words[0]?.value;
  if (first === undefined) return false;
  if (rule.any) return !COMMAND_WRAPPERS.has(baseName(first));
  if (rule.prefix ? words.length < rule.words.length : words.length !== rule.words.length) return false;
  return rule.words.every((w, i) => words[i]!.value === w);
}

/**
 * A deny rule holds when each word it names is that word or not known before run time; the
 * command is compared by its base name (`/bin/mount` is `mount`) and also with the wrappers in
 * front of it taken off (`env X=1 nice mount`).
 */
export function denyRuleMatches(rule: CommandRule, words: readonly CommandWord[]): boolean {
  for (const candidate of unwrapped(words)) {
    if (rule.any) return true;
    if (rule.prefix ? candidate.length < rule.words.length : candidate.length !== rule.words.length) continue;
    const holds = rule.words.every((w, i) => {
      const value = candidate[i]!.value;
      if (value === undefined) return true;
      return i === 0 ? baseName(value) === w || value === w : value === w;
    });
    if (holds) return true;
  }
  return false;
}

/** The command itself, then what each wrapper in front runs (options and VAR=value skipped). */
function unwrapped(words: readonly CommandWord[]): CommandWord[][] {
  const out: CommandWord[][] = [[...words]];
  let rest = [...words];
  for (let depth = 0; depth < 8; depth++) {
    const head = rest[0]?.value;
    if (head === undefined || !COMMAND_WRAPPERS.has(baseName(head))) break;
    let i = 1;
    const name = baseName(head);
    while (i < rest.length) {
      const v = rest[i]!.value;
      if (v === undefined) break;
      if (v.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(v) || (name === 'timeout' && /^\d/.test(v)) || (name === 'nice' && /^-?\d+$/.test(v))) i++;
      else break;
    }
    rest = rest.slice(i);
    if (rest.length === 0) break;
    out.push(rest);
  }
  return out;
}

export interface CommandRuleSet {
  allow: CommandRule[];
  deny: CommandRule[];
  /** A configuration that cannot be trusted: every command is refused with this reason. */
  fatal?: string;
  /** Rules that did not parse (skipped allow rules), for the server's log and settings. */
  problems: string[];
}

export type CommandDecision = { allowed: true; rule: CommandRule } | { allowed: false; reason: string; rule?: CommandRule };

/** Deny first, then allow; no rule → refused (the server's allow list is closed). */
export function decideCommand(rules: CommandRuleSet, words: readonly CommandWord[]): CommandDecision {
  const shown = words.map((w) => w.value ?? '…').join(' ');
  if (rules.fatal) return { allowed: false, reason: rules.fatal };
  const denied = rules.deny.find((r) => denyRuleMatches(r, words));
  if (denied) return { allowed: false, reason: `\`${shown}\` is denied by ${denied.text} (${denied.origin})`, rule: denied };
  const allowed = rules.allow.find((r) => allowRuleMatches(r, words));
  if (allowed) return { allowed: true, rule: allowed };
  const wrapper = words[0]?.value !== undefined && COMMAND_WRAPPERS.has(baseName(words[0].value));
  return {
    allowed: false,
    reason: `\`${shown}\` is not in the allow list${wrapper ? ` (${words[0]!.value} runs other commands, so only a rule that names it allows it)` : ''}`,
  };
}
