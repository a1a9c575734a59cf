/**
 * The one check before anything runs: the command line parsed into its simple commands
 * (command-check.ts), then every one of them judged by the rules (deny, then allow). One refusal
 * refuses the whole line, with the part that was refused and why.
 */
import { decideCommand, type CommandRuleSet } from '../../policy/rules/command-rule.js';
import { analyzeCommand, type AnalyzeOptions, type SimpleCommand } from './command-check.js';

/** Builtins that only move or answer inside the shell; always allowed (deny rules still apply). */
const HARMLESS = new Set(['cd', 'pwd', 'true', 'false', ':']);

export type GateResult = { ok: true; commands: SimpleCommand[] } | { ok: false; reason: string };

export async function gateCommand(source: string, rules: CommandRuleSet, options: AnalyzeOptions): Promise<GateResult> {
  const analysis = await analyzeCommand(source, options);
  if (!analysis.ok) return { ok: false, reason: `refused: ${analysis.reason}` };
  for (const command of analysis.commands) {
    const decision = decideCommand(rules, command.words);
    if (decision.allowed) continue;
    const harmless = HARMLESS.has(command.words[0]!.value!) && !decision.rule && !rules.fatal;
    if (harmless) continue;
    const where = analysis.commands.length > 1 || command.source !== source.trim() ? ` (part of the command: \`${command.source}\`)` : '';
    return { ok: false, reason: `refused: ${decision.reason}${where}` };
  }
  return analysis;
}
