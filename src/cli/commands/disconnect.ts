import type { Command } from 'commander';

/** `patchbay disconnect HOST` — undo `patchbay connect`. */
export function registerDisconnect(program: Command): void {
  program
    .command('disconnect <host>')
    .description('Remove Patchbay from a host and give back the servers `connect --import` moved')
    .action(async (host: string) => {
      const { disconnectHost } = await import('../../hosts/connect.js');
      const r = await disconnectHost({ host, cwd: process.cwd() });
      const lines = [r.removed ? `Removed Patchbay from ${r.target.label} (${r.target.file}).` : `${r.target.label} had no Patchbay entry in ${r.target.file}.`];
      if (r.restored.length > 0) lines.push(`Moved back into ${r.target.file}: ${r.restored.join(', ')}.`);
      if (r.leftInRegistry.length > 0) lines.push(`Also kept in Patchbay's scope (${r.scopeFile}), because they changed since the import: ${r.leftInRegistry.join(', ')}.`);
      for (const file of r.deleted) lines.push(`Deleted ${file}: connect had created it and it is empty now.`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
