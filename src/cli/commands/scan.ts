import type { Command } from 'commander';
import { PatchbayError } from '../../errors.js';

/**
 * `patchbay scan --secrets`: literal secrets in every file Patchbay manages or reads
 * (src/secrets/scan/). Exit 1 when one sits in a committed file. (Description scanning is the
 * other half of `scan`, from the pinning work; the two share this command.)
 */
export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('Scan for problems: --secrets finds literal secrets in config files')
    .option('--secrets', 'literal secrets in Claude Code, Claude Desktop, Cursor, VS Code and Patchbay config files')
    .option('--json', 'print JSON')
    .action(async (options: { secrets?: boolean; json?: boolean }) => {
      if (!options.secrets) throw new PatchbayError('USAGE', 'say what to scan for', { hint: 'patchbay scan --secrets' });
      const { runSecretScan } = await import('../../secrets/scan/run-secret-scan.js');
      const report = await runSecretScan();
      if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write((await import('../../secrets/scan/render.js')).renderSecretScan(report));
      process.exitCode = report.findings.some((f) => f.severity === 'error') ? 1 : 0;
    });
}
