import type { Command } from 'commander';
import type { AuditCommandOptions as AuditFlags } from '../../policy/audit/command.js';

function filters(command: Command): Command {
  return command
    .option('--since <when>', 'only events since a date (2026-11-01), a date and time, or a span back from now (24h, 7d)')
    .option('--client <name>', 'only this client')
    .option('--server <name>', 'only this server')
    .option('--tool <name>', 'only this tool (the name the server gives it)')
    .option('--decision <decision>', 'only allow, ask or deny')
    .option('--kind <kind>', 'only call, decision, approval, list_changed, quarantine or secret events')
    .option('--outcome <outcome>', 'only this outcome (ok, error, denied, timeout, …)')
    .option('--db <file>', "database to read (default: patchbay.db in Patchbay's data directory)");
}

/** `patchbay audit [filters] [--json]`, `patchbay audit export [--output FILE]` — the audit log (src/policy/audit/). */
export function registerAudit(program: Command): void {
  const audit = filters(program.command('audit').description('Show the audit log: every call, decision, approval, list change and quarantine'))
    .option('--limit <n>', 'the newest N events (default 100)')
    .option('--json', 'print JSON')
    .action(async (opts: AuditFlags) => {
      const { runAuditCommand } = await import('../../policy/audit/command.js');
      await runAuditCommand(opts);
    });
  filters(audit.command('export').description('Write every matching event as JSON lines (one object per line, oldest first)'))
    .option('--output <file>', 'write to a file (0600) instead of stdout')
    .action(async (opts: AuditFlags & { output?: string }) => {
      const { runAuditExport } = await import('../../policy/audit/command.js');
      await runAuditExport(opts);
    });
}
