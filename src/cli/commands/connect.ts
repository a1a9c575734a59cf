import type { Command } from 'commander';

/** `patchbay connect HOST [--import]` — point a host at Patchbay's gateway. */
export function registerConnect(program: Command): void {
  program
    .command('connect <host>')
    .description('Add Patchbay to a host (claude-desktop, claude-code, cursor, vscode) so it sees every server through one gateway entry')
    .option('--import', "first move the host's own servers into Patchbay's scope (a file no host reads), so they run once, behind the gateway")
    .action(async (host: string, opts: { import?: boolean }) => {
      const { connectHost } = await import('../../hosts/connect.js');
      const r = await connectHost({ host, cwd: process.cwd(), import: opts.import });
      const lines = [`Connected ${r.target.label}: "patchbay" in ${r.target.file} runs \`patchbay gateway --stdio --client ${r.target.id}\`.`];
      if (r.imported.length > 0) lines.push(`Moved into Patchbay's scope (${r.scopeFile}): ${r.imported.join(', ')}.`);
      else if (opts.import) lines.push(`No servers to move from ${r.target.file}.`);
      if (r.kept.length > 0) lines.push(`Left in ${r.target.file} (a different server of that name is already in ${r.scopeFile}): ${r.kept.join(', ')}.`);
      if (r.target.id === 'claude-code') {
        lines.push(`Claude Code keeps loading its own servers itself; through Patchbay it gets only the servers of Patchbay's scope (${r.scopeFile}), so it sees each server once.`);
        if (!opts.import) lines.push('To run your user-scope servers behind Patchbay instead, run `patchbay connect claude-code --import`.');
      }
      lines.push(`Its calls are client "${r.target.id}" for permissions, approvals and the audit log (\`patchbay clients list\`).`);
      if (r.replacedOther) lines.push('An existing entry named "patchbay" was replaced; `patchbay disconnect` puts it back.');
      lines.push(`Restart ${r.target.label} to load it. Undo with \`patchbay disconnect ${r.target.id}\`.`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
