import type { Command } from 'commander';
import { PatchbayError } from '../../errors.js';

/** `patchbay ui [--port N] [--print]` — opens the dashboard of the running hub, logged in. */
export function registerUi(program: Command): void {
  program
    .command('ui')
    .description('Open the dashboard of the running hub (`patchbay up`) in a browser, logged in with a one-time code')
    .option('-p, --port <port>', 'the port `patchbay up` listens on (default: the running hub, PATCHBAY_PORT or 8765)', (value: string) => {
      const port = Number(value);
      if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new PatchbayError('USAGE', `--port ${value} is not a port number`, { hint: 'Use 1 to 65535.' });
      return port;
    })
    .option('--print', 'print the login URL instead of opening a browser')
    .action(async (opts: { port?: number; print?: boolean }) => {
      const { openDashboard } = await import('../../web/open-dashboard.js');
      await openDashboard({ ...opts, stdout: process.stdout });
    });
}
