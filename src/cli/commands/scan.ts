import type { Command } from 'commander';
import { PatchbayError } from '../../errors.js';

/**
 * `patchbay scan [NAME]`: the hub's description checks on every configured server, without the
 * hub (src/policy/scan/). `patchbay scan --secrets`: literal secrets in every file Patchbay
 * manages or reads (src/secrets/scan/). Both exit 1 on an error-level finding.
 */
export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('Scan server definitions for poisoning, or (--secrets) config files for literal secrets')
    .argument('[name]', 'report only this server (definition scan)')
    .option('--secrets', 'literal secrets in Claude Code, Claude Desktop, Cursor, VS Code and Patchbay config files')
    .option('--json', 'print the report as JSON')
    .option('--verbose', 'show info-level findings too')
    .option('--timeout <ms>', 'per-server timeout in milliseconds (default: MCP_TIMEOUT or 10000)')
    .action(async (name: string | undefined, opts: { secrets?: boolean; json?: boolean; verbose?: boolean; timeout?: string }) => {
      if (opts.secrets) {
        if (name !== undefined) throw new PatchbayError('USAGE', '--secrets scans config files, not one server', { hint: 'Run `patchbay scan --secrets` without a name.' });
        const { runSecretScan } = await import('../../secrets/scan/run-secret-scan.js');
        const report = await runSecretScan();
        if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else process.stdout.write((await import('../../secrets/scan/render.js')).renderSecretScan(report));
        process.exitCode = report.findings.some((f) => f.severity === 'error') ? 1 : 0;
        return;
      }
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
