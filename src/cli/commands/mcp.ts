import type { Command } from 'commander';
import type { AddFlags } from '../mcp/add-tokens.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * `patchbay mcp …`, the verbs and flags of `claude mcp`. Each action lazily imports its module
 * in ../mcp/ so `patchbay --help` stays fast. `add` stops parsing its own options at the server
 * name (passThroughOptions): what follows is split by ../mcp/add-args.ts, so the server's own
 * flags after its command need no `--`.
 */
export function registerMcp(program: Command): void {
  const mcp = program
    .command('mcp')
    .description('Configure and manage MCP servers (compatible with `claude mcp`)')
    .enablePositionalOptions();

  mcp
    .command('add')
    .description('Add an MCP server: a command to run (stdio) or a URL (http, sse)')
    .argument('<name>', 'server name (letters, digits, - and _)')
    .argument('<commandOrUrl>', 'the command that starts the server, or its URL')
    .argument('[args...]', 'arguments for the command: everything after it, flags included')
    .option('-s, --scope <scope>', 'local (default), project, user, or patchbay (Patchbay only; no host reads it)')
    .option('-t, --transport <transport>', 'stdio, sse or http (a URL without -t is http)')
    .option('-e, --env <KEY=VALUE>', 'environment variable for a stdio server (repeat for more)', collect, [])
    .option('-H, --header <header>', 'HTTP header "Name: value" for a remote server (repeat for more)', collect, [])
    .option('--client-id <clientId>', 'OAuth client id')
    .option('--client-secret', 'OAuth client secret from MCP_CLIENT_SECRET, or --client-secret=VALUE; kept in Patchbay credentials, never in the host file')
    .option('--callback-port <port>', 'fixed port for the OAuth callback')
    .option('--sandbox', 'run a stdio server sandboxed when Patchbay runs it (the default: project writable, no network)')
    .option('--no-sandbox', 'run a stdio server unconfined, with your full rights')
    .option('--allow-host <host>', 'a host a sandboxed server may reach, e.g. api.github.com or *.example.com (repeat for more)', collect, [])
    .passThroughOptions()
    // --client-secret=VALUE and mistakes before the name reach parseAddTokens, which explains them.
    .allowUnknownOption()
    .action(async (name: string, commandOrUrl: string, args: string[], options: AddFlags) => {
      const { runAdd } = await import('../mcp/add.js');
      await runAdd({ tokens: [name, commandOrUrl, ...args], flags: { ...options, env: options.env ?? [], header: options.header ?? [], allowHost: options.allowHost ?? [] } });
    });

  mcp
    .command('add-json')
    .description('Add an MCP server from a JSON entry')
    .argument('<name>', 'server name')
    .argument('<json>', 'the entry, e.g. \'{"type":"stdio","command":"node","args":["server.js"]}\'')
    .option('-s, --scope <scope>', 'local (default), project, user, or patchbay (Patchbay only; no host reads it)')
    .option('--sandbox', 'run a stdio server sandboxed when Patchbay runs it (the default: project writable, no network)')
    .option('--no-sandbox', 'run a stdio server unconfined, with your full rights')
    .option('--allow-host <host>', 'a host a sandboxed server may reach (repeat for more)', collect, [])
    .action(async (name: string, json: string, options: { scope?: string; sandbox?: boolean; allowHost?: string[] }) => {
      const { runAddJson } = await import('../mcp/add.js');
      await runAddJson(name, json, options);
    });

  mcp
    .command('add-from-claude-desktop')
    .description("Import servers from Claude Desktop's config (macOS, Windows, Linux)")
    .option('-s, --scope <scope>', 'local (default), project, user, or patchbay (Patchbay only; no host reads it)')
    .option('--all', 'import every server')
    .option('--only <names>', 'import these servers (comma-separated)')
    .option('--sandbox', 'run imported stdio servers sandboxed when Patchbay runs them (the default)')
    .option('--no-sandbox', 'run imported stdio servers unconfined, with your full rights')
    .option('--allow-host <host>', 'a host the sandboxed servers may reach (repeat for more)', collect, [])
    .action(async (options: { scope?: string; all?: boolean; only?: string; sandbox?: boolean; allowHost?: string[] }) => {
      const { runImportFromDesktop } = await import('../mcp/import-desktop.js');
      await runImportFromDesktop(options);
    });

  mcp
    .command('list')
    .description('List configured servers and check that each one works')
    .option('--json', 'print a JSON array')
    .option('--check', 'exit 1 when an enabled server fails or a config file has problems')
    .option('--timeout <ms>', 'per-server check timeout (default: MCP_TIMEOUT or 10000)')
    .action(async (options: { json?: boolean; check?: boolean; timeout?: string }) => {
      const { runList } = await import('../mcp/list.js');
      await runList(options);
    });

  mcp
    .command('get')
    .description('Show one server in detail (secrets hidden unless --show-secrets)')
    .argument('<name>', 'server name')
    .option('--json', 'print JSON')
    .option('--show-secrets', 'show secret values instead of ***')
    .option('--timeout <ms>', 'check timeout (default: MCP_TIMEOUT or 10000)')
    .action(async (name: string, options: { json?: boolean; showSecrets?: boolean; timeout?: string }) => {
      const { runGet } = await import('../mcp/get.js');
      await runGet(name, options);
    });

  mcp
    .command('remove')
    .description('Remove a server')
    .argument('<name>', 'server name')
    .option('-s, --scope <scope>', 'local, project, user or patchbay (required when the name is in several)')
    .action(async (name: string, options: { scope?: string }) => {
      const { runRemove } = await import('../mcp/remove.js');
      await runRemove(name, options);
    });

  mcp
    .command('sandbox')
    .description('Run a configured stdio server sandboxed when Patchbay runs it (kept in config.json; the host file is not changed)')
    .argument('<name>', 'server name')
    .option('-s, --scope <scope>', 'local, project, user or patchbay (required when the name is in several)')
    .option('--allow-host <host>', 'a host it may reach, e.g. api.github.com (repeat for more; default: no network)', collect, [])
    .option('--off', 'run it unconfined, on purpose (doctor stops suggesting the sandbox)')
    .action(async (name: string, options: { scope?: string; allowHost?: string[]; off?: boolean }) => {
      const { runSandbox } = await import('../mcp/sandbox.js');
      await runSandbox(name, options);
    });

  mcp
    .command('login')
    .description('Log in to a remote server with OAuth (browser, or --no-browser to paste the redirect)')
    .argument('<name>', 'server name')
    .option('--no-browser', 'print the URL and read the address the browser ended on from stdin')
    .option('--client-id <clientId>', 'a client id registered with the provider')
    .option('--client-secret [secret]', 'its secret: MCP_CLIENT_SECRET, or --client-secret=VALUE')
    .action(async (name: string, options: { browser?: boolean; clientId?: string; clientSecret?: string | boolean }) => {
      const { runMcpLogin } = await import('../../auth/oauth/login-command.js');
      await runMcpLogin(name, options);
    });

  mcp
    .command('logout')
    .description("Delete a remote server's OAuth tokens")
    .argument('<name>', 'server name')
    .action(async (name: string) => {
      const { runMcpLogout } = await import('../../auth/oauth/login-command.js');
      await runMcpLogout(name);
    });

  mcp
    .command('reset-project-choices')
    .description('Forget approvals and rejections of this project\'s .mcp.json servers (other settings are kept)')
    .action(async () => {
      const { runResetProjectChoices } = await import('../mcp/reset.js');
      await runResetProjectChoices({});
    });
}
