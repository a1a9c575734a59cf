import type { Command } from 'commander';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `patchbay install FILE.mcpb|URL` and `patchbay uninstall NAME` (src/catalog/bundle/). */
export function registerInstall(program: Command): void {
  program
    .command('install')
    .description('Install an MCP Bundle (.mcpb) as a server the hub runs for every host')
    .argument('<bundle>', 'a .mcpb file or an http(s) URL')
    .option('--set <KEY=VALUE>', 'a user_config value (repeat for more); sensitive ones go to the secret store', collect, [])
    .option('--sha256 <hex>', "the bundle's expected SHA-256 (a registry entry's fileSha256)")
    .option('-s, --scope <scope>', 'patchbay (default), user, local or project')
    .option('--name <name>', 'the server name (default: the manifest name)')
    .action(async (bundle: string, options: { set?: string[]; sha256?: string; scope?: string; name?: string }) => {
      const { installBundle } = await import('../../catalog/bundle/install.js');
      const { name, entry, file, dir } = await installBundle(bundle, options);
      process.stdout.write(`Installed ${name} into ${dir}\n  ${JSON.stringify([entry.command, ...(entry.args ?? [])])}\nAdded ${name} to ${file}.\n`);
    });
  program
    .command('uninstall')
    .description('Remove an installed bundle: its entry, its files and its secrets')
    .argument('<name>', 'the server name')
    .action(async (name: string) => {
      const { uninstallBundle } = await import('../../catalog/bundle/install.js');
      await uninstallBundle(name);
      process.stdout.write(`Uninstalled ${name}.\n`);
    });
}
