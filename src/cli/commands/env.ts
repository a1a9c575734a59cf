import type { Command } from 'commander';

/** `patchbay env [--shell sh|fish|powershell]` — prints the exports that point a client at the proxy (including Patchbay's key). */
export function registerEnv(program: Command): void {
  program
    .command('env')
    .description('Print ANTHROPIC_BASE_URL and ANTHROPIC_AUTH_TOKEN for the model proxy (eval "$(patchbay env)")')
    .option('--shell <shell>', 'sh (default; also bash, zsh), fish or powershell')
    .option('--port <port>', 'the proxy\'s port (default: where a running `patchbay up` or `patchbay proxy` listens, else the configured one)')
    .action(async (options: { shell?: string; port?: string }) => {
      const { runEnvCommand } = await import('../../proxy/server/commands.js');
      await runEnvCommand(options);
    });
}
