import type { Command } from 'commander';
import { PatchbayError } from '../../errors.js';

/** `patchbay doctor [NAME]`: find and explain why MCP servers fail, with the fix (src/doctor/). */
export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('Find and explain why MCP servers fail, with the fix')
    .argument('[name]', 'check only this server')
    .option('--json', 'print the report as JSON')
    .option('--timeout <ms>', 'per-server check timeout in milliseconds (default: MCP_TIMEOUT or 10000)')
    .action(async (name: string | undefined, options: { json?: boolean; timeout?: string }) => {
      const timeoutMs = parseTimeout(options.timeout ?? process.env.MCP_TIMEOUT);
      const { runDoctor } = await import('../../doctor/run-doctor.js');
      const report = await runDoctor({ name, json: options.json, timeoutMs });
      process.exitCode = report.healthy ? 0 : 1;
    });
}

function parseTimeout(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms <= 0) {
    throw new PatchbayError('USAGE', `--timeout "${value}": expected a positive number of milliseconds`, { hint: 'For example: patchbay doctor --timeout 20000' });
  }
  return ms;
}
