import type { Command } from 'commander';
import { PatchbayError } from '../../errors.js';

/** `patchbay scan [NAME]`: the hub's description checks on every configured server, without the hub (src/policy/scan/). */
export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('Scan the tool, prompt and template definitions of every configured server for poisoning')
    .argument('[name]', 'report only this server')
    .option('--json', 'print the report as JSON')
    .option('--verbose', 'show info-level findings too')
    .option('--timeout <ms>', 'per-server timeout in milliseconds (default: MCP_TIMEOUT or 10000)')
    .action(async (name: string | undefined, opts: { json?: boolean; verbose?: boolean; timeout?: string }) => {
      const raw = opts.timeout ?? process.env.MCP_TIMEOUT;
      const timeoutMs = raw === undefined || raw === '' ? undefined : Number(raw);
      if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
        throw new PatchbayError('USAGE', `--timeout "${raw}": expected a positive number of milliseconds`, { hint: 'For example: patchbay scan --timeout 20000' });
      }
      const { scanServers } = await import('../../policy/scan/scan-servers.js');
      const { renderScanReport } = await import('../../policy/scan/render.js');
      const report = await scanServers({ name, timeoutMs });
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderScanReport(report, { verbose: opts.verbose }));
      process.exitCode = report.clean ? 0 : 1;
    });
}
