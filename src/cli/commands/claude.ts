import type { Command } from 'commander';

/**
 * `patchbay claude [args…]` — runs the `claude` on PATH against the model proxy (started
 * in-process when none is listening); every argument goes to claude; exits with claude's code.
 */
export function registerClaude(program: Command): void {
  program
    .command('claude')
    .description('Run Claude Code through the model proxy (arguments go to claude)')
    .argument('[args...]', 'arguments for claude')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .helpOption(false)
    .action(async (args: string[]) => {
      const { runClaudeCommand } = await import('../../proxy/server/commands.js');
      await runClaudeCommand(args, {});
    });
}
