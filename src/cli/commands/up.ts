import type { Command } from 'commander';
import { PatchbayError } from '../../errors.js';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new PatchbayError('USAGE', `--port ${value} is not a port number`, { hint: 'Use 0 to 65535; 0 picks a free port.' });
  return port;
}

/** `patchbay up [--port N] [--host H] [--no-auth]` — the hub and gateway for this project. */
export function registerUp(program: Command): void {
  program
    .command('up')
    .description('Run every configured MCP server behind one endpoint (http://127.0.0.1:8765/mcp by default)')
    .option('-p, --port <port>', 'port to listen on (default PATCHBAY_PORT or 8765; 0 picks a free one)', parsePort)
    .option('--host <host>', 'address to bind (default 127.0.0.1)')
    .option('--no-auth', 'do not require the token (only allowed on a loopback address)')
    .option('--show-token', 'print the full token instead of a masked one')
    .option('--max-body-mb <mib>', 'largest accepted message in MiB (default 32, or PATCHBAY_MAX_BODY_MB)', Number)
    .option('--no-defaults', 'with no server configured, serve nothing (instead of the built-in files and web servers for this directory)')
    .option('--allow-host <host...>', 'also accept these Host header values (host:port), e.g. a LAN name when bound beyond loopback')
    .action(async (opts: { port?: number; host?: string; auth: boolean; showToken?: boolean; maxBodyMb?: number; allowHost?: string[]; defaults: boolean }) => {
      const { runUp } = await import('../../gateway/up.js');
      await runUp({ ...opts, cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr });
    });
}
