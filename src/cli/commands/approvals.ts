import type { Command } from 'commander';
import { PatchbayError } from '../../errors.js';

/** `patchbay approvals [--watch]`, `approvals allow ID`, `approvals deny ID` — answer the calls waiting for a person (src/policy/approvals/). */
export function registerApprovals(program: Command): void {
  const approvals = program
    .command('approvals')
    .description('List the tool calls waiting for a person, and answer them')
    .option('--all', 'also show answered and expired approvals of the last 24 hours')
    .option('--watch', 'keep printing new approvals as they arrive')
    .option('--json', 'print JSON')
    .action(async (opts: { all?: boolean; watch?: boolean; json?: boolean }) => {
      const commands = await import('../../policy/approvals/commands.js');
      if (opts.watch) await commands.watchApprovalsCommand({});
      else await commands.listApprovalsCommand(opts);
    });
  approvals
    .command('allow <id>')
    .description('Allow a waiting call (once, unless --session or --always)')
    .option('--session', "also allow this tool for the rest of the client's session")
    .option('--always', 'also add an allow rule for this tool to config.json')
    .action(async (id: string, opts: { session?: boolean; always?: boolean }) => {
      if (opts.session && opts.always) throw new PatchbayError('USAGE', '--session and --always exclude each other', { hint: 'Pick one.' });
      const { answerApprovalCommand } = await import('../../policy/approvals/commands.js');
      await answerApprovalCommand(id, { status: 'allowed', scope: opts.always ? 'always' : opts.session ? 'session' : 'once' });
    });
  approvals
    .command('deny <id>')
    .description('Deny a waiting call (the same call is refused until the approval expires)')
    .action(async (id: string) => {
      const { answerApprovalCommand } = await import('../../policy/approvals/commands.js');
      await answerApprovalCommand(id, { status: 'denied' });
    });
}
