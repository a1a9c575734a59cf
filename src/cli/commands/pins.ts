import type { Command } from 'commander';
import { PatchbayError } from '../../errors.js';

const KINDS = ['tools', 'prompts', 'templates'] as const;
type Kind = (typeof KINDS)[number];

function parseKind(value: string | undefined): Kind | undefined {
  if (value === undefined) return undefined;
  if ((KINDS as readonly string[]).includes(value)) return value as Kind;
  throw new PatchbayError('USAGE', `--kind "${value}": expected tools, prompts or templates`, { hint: 'For example: patchbay pins diff github create_issue --kind tools' });
}

/** `patchbay pins list|diff|approve`: review and accept changed tool definitions (src/policy/pins/). */
export function registerPins(program: Command): void {
  const pins = program.command('pins').description('Pinned tool, prompt and template definitions: review and approve changes (rug pulls)');
  pins
    .command('list')
    .description('Pinned servers and what is quarantined')
    .argument('[server]', 'only this server')
    .option('--all', 'include servers pinned for other projects')
    .option('--json', 'print JSON')
    .action(async (server: string | undefined, opts: { all?: boolean; json?: boolean }) => {
      const { listPins, renderList } = await import('../../policy/pins/commands.js');
      const result = await listPins({ server, all: opts.all });
      process.stdout.write(opts.json ? `${JSON.stringify(result.listing, null, 2)}\n` : renderList(result));
    });
  pins
    .command('diff')
    .description('Show what changed in a quarantined definition, against its pin')
    .argument('<server>', 'the server')
    .argument('[name]', 'one tool, prompt or template (default: everything quarantined)')
    .option('--kind <kind>', 'tools, prompts or templates, when a name is used by several')
    .option('--json', 'print JSON')
    .action(async (server: string, name: string | undefined, opts: { kind?: string; json?: boolean }) => {
      const { diffPins, renderDiff } = await import('../../policy/pins/commands.js');
      const result = await diffPins({ server, name, kind: parseKind(opts.kind) });
      process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : renderDiff(result, name));
    });
  pins
    .command('approve')
    .description('Accept quarantined definitions: a running hub serves them again')
    .argument('<server>', 'the server')
    .argument('[name]', 'one tool, prompt or template (default: everything quarantined)')
    .option('--kind <kind>', 'tools, prompts or templates, when a name is used by several')
    .action(async (server: string, name: string | undefined, opts: { kind?: string }) => {
      const { approvePins, renderApprove } = await import('../../policy/pins/commands.js');
      const result = await approvePins({ server, name, kind: parseKind(opts.kind) });
      process.stdout.write(renderApprove(result, name));
      if (result.approved.length === 0) process.exitCode = 1;
    });
}
