import type { Command } from 'commander';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `patchbay catalog …`: install servers from registry entries (src/catalog/). */
export function registerCatalog(program: Command): void {
  const catalog = program.command('catalog').description('Find and install MCP servers from a catalog of registry entries');
  catalog
    .command('search')
    .description('Search the catalog by name, title and description')
    .argument('<text...>', 'words to match')
    .option('--json', 'print JSON')
    .action(async (text: string[], options: { json?: boolean }) => (await import('../../catalog/command.js')).runCatalogSearch(text.join(' '), options));
  catalog
    .command('show')
    .description('Show one entry: packages, remotes and the inputs each needs')
    .argument('<name>', 'registry name (or its last part)')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { json?: boolean }) => (await import('../../catalog/command.js')).runCatalogShow(name, options));
  catalog
    .command('add')
    .description('Add an entry as a server: exact version pinned, secrets in the secret store, confirmed first')
    .argument('<name>', 'NAME or NAME@VERSION')
    .option('--package <n>', 'which package (1, 2, …; see catalog show)')
    .option('--remote <n>', 'which remote (1, 2, …)')
    .option('-s, --scope <scope>', 'local (default), project, user, or patchbay')
    .option('--set <KEY=VALUE>', 'an input (env var, argument, header, variable); repeat for more', collect, [])
    .option('--name <name>', 'the server name to use (default: the last part of the registry name)')
    .option('-y, --yes', 'write without asking')
    .action(async (name: string, options: Record<string, unknown>) => (await import('../../catalog/command.js')).runCatalogAdd(name, options));
  catalog
    .command('update')
    .description('Refresh the catalog from a registry (the official MCP Registry by default)')
    .option('--registry <url>', 'registry base URL (serves /v0/servers)')
    .action(async (options: { registry?: string }) => (await import('../../catalog/command.js')).runCatalogUpdate(options));
  catalog
    .command('outdated')
    .description('Servers added from the catalog that have a newer version in it')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => (await import('../../catalog/command.js')).runCatalogOutdated(options));
}
