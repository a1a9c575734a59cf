/**
 * `patchbay server files [--root DIR…]`: the files server on stdio. Without --root the client's
 * MCP roots decide; with neither, every tool says so instead of guessing the whole disk.
 */
import { Command } from 'commander';
import { findRipgrep } from './content-search.js';
import { createFilesServer } from './server.js';

export function filesCommand(): Command {
  return new Command('patchbay server files')
    .description('Serve files inside the roots as MCP tools on stdio: read, write, edit, list, tree, search, move, info')
    .option('--root <dir>', 'a directory the tools may use (repeat for more); the client\'s roots narrow these', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--no-ripgrep', 'search contents with the built-in JS search even when rg is on PATH');
}

export async function runFilesServer(args: string[]): Promise<void> {
  const command = filesCommand().exitOverride();
  command.parse(args, { from: 'user' });
  const flags = command.opts<{ root: string[]; ripgrep: boolean }>();
  const ripgrep = flags.ripgrep ? findRipgrep() : undefined;
  const { server, guard, ready } = createFilesServer({ roots: flags.root, ripgrep });
  await ready;
  const { StdioServerTransport } = await import('@modelcontextprotocol/server/stdio');
  await server.connect(new StdioServerTransport());
  process.stderr.write(`patchbay server files: roots ${guard.roots().join(', ') || "(none yet: the client's roots decide)"}; content search ${ripgrep ? 'ripgrep' : 'JS'}\n`);
}
