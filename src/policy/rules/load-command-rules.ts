/**
 * The `Bash(…)` rules of Patchbay's policy files, for the built-in shell server: the same files
 * as load.ts reads for MCP rules, by the same trust rule — the user's config.json gives allow,
 * ask and deny; a project's `.claude/settings.json` and `.claude/settings.local.json` (someone
 * else's input, a cloned repository) only deny and ask. The shell server cannot hold a command
 * for a person, so `ask` refuses like `deny` and says so.
 */
import { patchbayConfigPath } from '../../config/patchbay-config.js';
import { isJsonObject, readTextIfExists } from '../../config/store/json-file.js';
import { isCommandRuleText, parseCommandRule, type CommandRule, type CommandRuleSet } from './command-rule.js';
import { projectPolicyFiles } from './load.js';

export interface LoadCommandRulesOptions {
  projectRoot: string;
  configFile?: string;
  /** `--allow` / `--deny` of the server's command line. */
  allow?: readonly string[];
  deny?: readonly string[];
}

export async function loadCommandRules(options: LoadCommandRulesOptions): Promise<CommandRuleSet> {
  const set: CommandRuleSet = { allow: [], deny: [], problems: [] };
  const add = (list: 'allow' | 'deny' | 'ask', text: string, origin: string) => {
    const parsed = parseCommandRule(text, list === 'ask' ? `${origin}, an "ask" rule: this server cannot ask, so it refuses` : origin);
    if (parsed.ok) (list === 'allow' ? set.allow : set.deny).push(parsed.rule);
    else if (list === 'allow') set.problems.push(`${origin}: ${parsed.reason}; skipped`);
    else set.fatal ??= `${origin}: ${list} rule ${parsed.reason}; every command is refused until it is fixed`;
  };
  for (const text of options.deny ?? []) add('deny', text, '--deny');
  for (const text of options.allow ?? []) add('allow', text, '--allow');

  const configFile = options.configFile ?? patchbayConfigPath();
  const files: Array<{ file: string; lists: ReadonlyArray<'allow' | 'deny' | 'ask'> }> = [
    { file: configFile, lists: ['deny', 'ask', 'allow'] },
    ...projectPolicyFiles(options.projectRoot).map((file) => ({ file, lists: ['deny', 'ask'] as const })),
  ];
  for (const { file, lists } of files) {
    let text: string | undefined;
    try {
      text = await readTextIfExists(file);
    } catch (error) {
      set.fatal ??= `${file} cannot be read (${(error as Error).message}); every command is refused`;
      continue;
    }
    if (text === undefined || text.trim() === '') continue;
    let data: unknown;
    try {
      data = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (error) {
      set.fatal ??= `${file} is not valid JSON (${(error as Error).message}); every command is refused until it is fixed`;
      continue;
    }
    const permissions = isJsonObject(data) ? data.permissions : undefined;
    if (!isJsonObject(permissions)) continue;
    for (const list of lists) {
      const entries = permissions[list];
      if (!Array.isArray(entries)) continue;
      for (const entry of entries) if (typeof entry === 'string' && isCommandRuleText(entry)) add(list, entry, file);
    }
  }
  return set;
}

export function describeRule(rule: CommandRule): string {
  return `${rule.text} (${rule.origin})`;
}
