import type { Command } from 'commander';
import { PatchbayError } from '../../errors.js';

/** `patchbay gateway --stdio` — the gateway on stdin/stdout, for hosts that launch a command. */
export function registerGateway(program: Command): void {
  program
    .command('gateway')
    .description('Serve every configured MCP server as one server on stdin/stdout (what `patchbay connect` configures)')
    .option('--stdio', 'speak MCP on stdin/stdout (the only mode; use `patchbay up` for HTTP)')
    .option('--cwd <dir>', 'project directory whose servers to serve (default: the current directory)')
    .option('--for <host>', 'the host that launches it: `claude-code` loads its own scopes itself, so only Patchbay\'s scope is served')
    .option('--client <name>', 'the client (host) this process serves, for policy and the audit log (written by `patchbay connect`)')
    .action(async (opts: { stdio?: boolean; cwd?: string; for?: string; client?: string }) => {
      if (!opts.stdio) throw new PatchbayError('USAGE', '`patchbay gateway` needs --stdio', { hint: 'For HTTP, run `patchbay up`.' });
      if (opts.for !== undefined && opts.for !== 'claude-code') throw new PatchbayError('USAGE', `--for "${opts.for}": the only host that loads servers itself is claude-code`);
      const { runStdioGateway } = await import('../../gateway/stdio-command.js');
      await runStdioGateway({ cwd: opts.cwd ?? process.cwd(), forHost: opts.for as 'claude-code' | undefined, client: opts.client, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
    });
}
