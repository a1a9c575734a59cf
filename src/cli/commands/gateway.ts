import type { Command } from 'commander';
import { PatchbayError } from '../../errors.js';

/** `patchbay gateway --stdio` — the gateway on stdin/stdout, for hosts that launch a command. */
export function registerGateway(program: Command): void {
  program
    .command('gateway')
    .description('Serve every configured MCP server as one server on stdin/stdout (what `patchbay connect` configures)')
    .option('--stdio', 'speak MCP on stdin/stdout (the only mode; use `patchbay up` for HTTP)')
    .option('--cwd <dir>', 'project directory whose servers to serve (default: the current directory)')
    .option('--client <name>', 'the client (host) this process serves, for policy and the audit log (written by `patchbay connect`)')
    .action(async (opts: { stdio?: boolean; cwd?: string; client?: string }) => {
      if (!opts.stdio) throw new PatchbayError('USAGE', '`patchbay gateway` needs --stdio', { hint: 'For HTTP, run `patchbay up`.' });
      const { runStdioGateway } = await import('../../gateway/stdio-command.js');
      await runStdioGateway({ cwd: opts.cwd ?? process.cwd(), client: opts.client, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
    });
}
