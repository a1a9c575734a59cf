/**
 * `patchbay server web --root DIR`: local web pages as MCP resources and MCP App views on
 * stdio, with a loopback viewer on 127.0.0.1 (random port, token per page) unless --no-viewer.
 */
import { Command } from 'commander';
import { PatchbayError } from '../../errors.js';
import { createWebServer } from './server.js';

export function webCommand(): Command {
  return new Command('patchbay server web')
    .description('Serve a directory of HTML/JS/CSS/JSON/images as MCP resources, MCP App views (show_page) and a loopback viewer')
    .option('--root <dir>', 'the directory with the pages (default: the current directory)')
    .option('--no-viewer', 'no loopback viewer (hosts that render MCP Apps do not need it)');
}

export async function runWebServer(args: string[]): Promise<void> {
  const command = webCommand().exitOverride();
  command.parse(args, { from: 'user' });
  const flags = command.opts<{ root?: string; viewer: boolean }>();
  const web = createWebServer({ root: flags.root ?? process.cwd(), viewer: flags.viewer });
  await web.ready.catch((error: unknown) => {
    throw new PatchbayError('USAGE', error instanceof Error ? error.message : String(error), { hint: 'Pass --root DIR with an existing directory.' });
  });
  const { StdioServerTransport } = await import('@modelcontextprotocol/server/stdio');
  await web.server.connect(new StdioServerTransport());
  // The viewer and the watcher would keep the process alive after the host has gone.
  web.server.server.onclose = () => void web.close().finally(() => process.exit(0));
  process.stderr.write(`patchbay server web: root ${flags.root ?? process.cwd()}${flags.viewer ? '' : ', no viewer'}\n`);
}
