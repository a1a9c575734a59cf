import type { Command } from 'commander';
import { PatchbayError } from '../../errors.js';

/**
 * Patchbay's built-in MCP servers, one line each: name → the module that runs it on stdio. Each
 * parses its own flags (`patchbay server api --help`), so this file stays a dispatcher.
 */
const SERVERS: Record<string, { summary: string; run: () => Promise<(args: string[]) => Promise<void>> }> = {
  agent: { summary: 'Claude Code as a tool, through Patchbay\'s gateway and proxy', run: async () => (await import('../../servers/agent/cli.js')).runAgentServer },
  files: { summary: 'files inside the roots: read, write, edit, search', run: async () => (await import('../../servers/files/cli.js')).runFilesServer },
  web: { summary: 'local web pages as MCP Apps and a loopback viewer', run: async () => (await import('../../servers/web/cli.js')).runWebServer },
  api: { summary: 'an HTTP API (OpenAPI/Swagger) as tools', run: async () => (await import('../../servers/api/cli.js')).runApiServer },
  models: { summary: 'other models as tools (ask, consensus), through Patchbay\'s proxy', run: async () => (await import('../../servers/models/cli.js')).runModelsServer },
  search: { summary: 'web search (Anthropic through the proxy, SearXNG, Brave, Tavily) and an SSRF-guarded web_fetch', run: async () => (await import('../../servers/search/cli.js')).runSearchServer },
  reddit: { summary: 'Reddit, read-only', run: async () => (await import('../../servers/reddit/cli.js')).runRedditServer },
  shell: { summary: 'shell commands from an allow list, in a sandbox', run: async () => (await import('../../servers/shell/cli.js')).runShellServer },
};

export function registerServer(program: Command): void {
  program
    .command('server')
    .description(`Run a built-in MCP server on stdio (${Object.keys(SERVERS).join(', ')}); add it with \`patchbay mcp add NAME -- patchbay server …\``)
    .argument('<name>', Object.entries(SERVERS).map(([name, s]) => `${name}: ${s.summary}`).join('; '))
    .argument('[args...]', "the server's own options (`patchbay server NAME --help`)")
    .allowUnknownOption()
    .passThroughOptions()
    .action(async (name: string, args: string[]) => {
      const server = SERVERS[name];
      if (!server) throw new PatchbayError('USAGE', `no built-in server "${name}"`, { hint: `Built-in servers: ${Object.keys(SERVERS).join(', ')}.` });
      await (await server.run())(args);
    });
}
