import type { Command } from 'commander';

/**
 * `patchbay proxy [--port N] [--host H]` — the model proxy alone (default 127.0.0.1:3457,
 * or PATCHBAY_PROXY_PORT, or proxy.port in config.json).
 */
export function registerProxy(program: Command): void {
  program
    .command('proxy')
    .description('Run the model proxy: the Anthropic Messages API in front of OpenAI-compatible, Gemini and Anthropic providers')
    .option('--port <port>', 'port to listen on (default 3457, or PATCHBAY_PROXY_PORT, or proxy.port)')
    .option('--host <host>', 'address to bind (default 127.0.0.1)')
    .action(async (options: { port?: string; host?: string }) => {
      const { runProxyCommand } = await import('../../proxy/server/commands.js');
      await runProxyCommand(options);
    });
}
