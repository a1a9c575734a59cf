import type { Command } from 'commander';

/** `patchbay connect HOST [--import]` — point a host at Patchbay's gateway. */
export function registerConnect(program: Command): void {
  program
    .command('connect <host>')
    .description('Add Patchbay to a host (claude-desktop, claude-code, cursor, vscode) so it sees every server through one gateway entry')
    .option('--import', "first move the host's own servers into Patchbay's registry, so they run once, behind the gateway")
    .action(async (host: string, opts: { import?: boolean }) => {
      const { connectHost } = await import('../../hosts/connect.js');
      const r = await connectHost({ host, cwd: process.cwd(), import: opts.import });
      const lines = [`Connected ${r.target.label}: "patchbay" in ${r.target.file} runs \`patchbay gateway --stdio --client ${r.target.id}\`.`];
      lines.push(`Its calls are client "${r.target.id}" for permissions, approvals and the audit log (\`patchbay clients list\`).`);
      if (r.imported.length > 0) lines.push(`Moved into Patchbay's registry: ${r.imported.join(', ')}.`);
      if (r.kept.length > 0) lines.push(`Left in ${r.target.file} (a different server of that name is already in Patchbay's registry): ${r.kept.join(', ')}.`);
      if (r.replacedOther) lines.push('An existing entry named "patchbay" was replaced; `patchbay disconnect` puts it back.');
      lines.push(`Restart ${r.target.label} to load it. Undo with \`patchbay disconnect ${r.target.id}\`.`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
