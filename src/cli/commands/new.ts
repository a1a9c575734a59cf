import type { Command } from 'commander';

/** `patchbay new server NAME` — a new MCP server project on the official SDK v2. */
export function registerNew(program: Command): void {
  const create = program.command('new').description('Create something new from a template');
  create
    .command('server')
    .description('Create a TypeScript MCP server project (SDK v2): an example tool, tests, conformance, server.json and an MCPB manifest')
    .argument('<name>', 'the project folder and package name (lower-case letters, digits and -)')
    .option('--transport <transport>', 'stdio, http or both', 'both')
    .option('--dir <dir>', 'where to create it (default: ./NAME)')
    .option('--add', 'register it with `patchbay mcp add` once created')
    .option('-s, --scope <scope>', 'scope for --add: local (default), project, user or patchbay')
    .action(async (name: string, options: { transport: string; dir?: string; add?: boolean; scope?: string }) => {
      const { runNewServer } = await import('../../scaffold/run-new-server.js');
      await runNewServer({ name, ...options });
    });
}
