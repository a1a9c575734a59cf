import type { Command } from 'commander';
import { PatchbayError } from '../../errors.js';

/**
 * `patchbay logs [NAME] [-f] [-n lines]`: the hub's log (`mcp.log`) or one server's
 * (`mcp-server-NAME.log`), named and placed as Claude Desktop names its own (src/hub/log/).
 */
export function registerLogs(program: Command): void {
  program
    .command('logs')
    .description("Print the hub's log, or one server's log with NAME")
    .argument('[name]', 'the server whose log to print (default: the hub log, mcp.log)')
    .option('-f, --follow', 'keep printing new lines, across log rotation (Ctrl-C to stop)')
    .option('-n, --lines <count>', 'how many of the last lines to print', '50')
    .action(async (name: string | undefined, options: { follow?: boolean; lines: string }) => {
      const lines = Number(options.lines);
      if (!Number.isInteger(lines) || lines < 0) {
        throw new PatchbayError('USAGE', `--lines "${options.lines}": expected a whole number of lines`, {
          hint: 'For example: patchbay logs github -n 200',
        });
      }
      const { showLogs } = await import('../../hub/log/show-logs.js');
      const controller = new AbortController();
      // Ctrl-C ends following cleanly instead of killing the process mid-write.
      const stop = () => controller.abort();
      if (options.follow) process.once('SIGINT', stop);
      try {
        await showLogs({ name, follow: options.follow, lines, signal: controller.signal });
      } finally {
        process.off('SIGINT', stop);
      }
    });
}
