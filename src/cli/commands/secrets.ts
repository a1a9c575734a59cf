import type { Command } from 'commander';

/**
 * `patchbay secrets set|list|get|rm|move`: the secret store (src/secrets/). Values are read
 * without echo or from stdin, never taken as arguments (they would land in shell history), and
 * printed only by `get NAME --show`.
 */
export function registerSecrets(program: Command): void {
  const secrets = program.command('secrets').description('Keep secrets out of config files: a store, ${secret:NAME} references, moving literals');

  secrets
    .command('set')
    .description('Store a secret (typed without echo, or piped on stdin)')
    .argument('<name>', 'the name, as ${secret:NAME} refers to it')
    .action(async (name: string) => {
      const [{ readSecretValue }, { setSecret }] = await Promise.all([import('../read-secret.js'), import('../../secrets/manage.js')]);
      const value = await readSecretValue(name);
      const { created, where } = await setSecret(name, value);
      process.stdout.write(`${created ? 'Stored' : 'Updated'} secret ${name} in ${where}.\nUse it as \${secret:${name}} in a server's env, headers, args or url, or a provider's apiKey.\n`);
    });

  secrets
    .command('list')
    .description('List stored secrets: names, where each is used, when it was set (never values)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { listSecrets } = await import('../../secrets/manage.js');
      const { renderSecretList } = await import('../../secrets/render.js');
      process.stdout.write(renderSecretList(await listSecrets(), options.json === true));
    });

  secrets
    .command('get')
    .description('Show a secret: where it is used and when it was set; the value only with --show')
    .argument('<name>', 'the secret')
    .option('--show', 'print the value itself')
    .action(async (name: string, options: { show?: boolean }) => {
      const { describeSecret, revealSecret } = await import('../../secrets/manage.js');
      if (options.show) {
        process.stdout.write(`${await revealSecret(name)}\n`);
        return;
      }
      const { renderSecretList } = await import('../../secrets/render.js');
      process.stdout.write(renderSecretList([await describeSecret(name)], false));
      process.stdout.write(`(the value is hidden; patchbay secrets get ${name} --show prints it)\n`);
    });

  secrets
    .command('rm')
    .alias('remove')
    .description('Remove a secret from the store')
    .argument('<name>', 'the secret')
    .action(async (name: string) => {
      const { removeSecret } = await import('../../secrets/manage.js');
      const { stillUsedBy } = await removeSecret(name);
      process.stdout.write(`Removed secret ${name}.\n`);
      for (const use of stillUsedBy) process.stderr.write(`warning: ${use.label} in ${use.file} still refers to \${secret:${name}}; it will not start until the secret is set again.\n`);
    });

  secrets
    .command('move')
    .description('Move literal secrets out of config files into the store, leaving ${secret:NAME} references')
    .argument('[target]', 'SERVER.ENV_NAME (or SERVER.HEADER_NAME) to move one value')
    .option('--all', 'move every literal secret `patchbay scan --secrets` finds in your own files')
    .option('--name <secret>', 'the name to store it under (default: the variable or header name)')
    .action(async (target: string | undefined, options: { all?: boolean; name?: string }) => {
      if (!target && !options.all) {
        const { PatchbayError } = await import('../../errors.js');
        throw new PatchbayError('USAGE', 'say what to move: SERVER.NAME, or --all', { hint: 'patchbay scan --secrets lists the literal secrets in your files.' });
      }
      const { moveSecrets } = await import('../../secrets/scan/move.js');
      const { renderMoveResult } = await import('../../secrets/scan/render.js');
      const result = await moveSecrets({ target, all: options.all === true, name: options.name });
      process.stdout.write(renderMoveResult(result));
    });
}
