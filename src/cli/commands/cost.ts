import { Option, type Command } from 'commander';

/** `patchbay cost [--since …] [--by model|day|client|provider] [--json]` — what the model proxy's traffic cost. */
export function registerCost(program: Command): void {
  program
    .command('cost')
    .description('Show requests, tokens, cost, latency and errors of the model proxy, with totals (like /cost, for everything Patchbay served)')
    .option('--since <when>', 'only requests since a date (2026-11-01), a date and time, or a span back from now (24h, 7d, 2w)')
    .addOption(new Option('--by <group>', 'group rows by').choices(['model', 'day', 'client', 'provider']).default('model'))
    .option('--json', 'print JSON instead of a table')
    .option('--db <file>', "usage database to read (default: patchbay.db in Patchbay's data directory)")
    .action(async (options: { since?: string; by?: string; json?: boolean; db?: string }) => {
      const { runCostCommand } = await import('../../proxy/cost/cost-command.js');
      await runCostCommand(options);
    });
}
