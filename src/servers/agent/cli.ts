/**
 * `patchbay server agent [options]`: Claude Code as a tool. Run alone on stdio, the client token
 * in PATCHBAY_CLIENT_TOKEN (`patchbay clients add agent`) is what the child presents to the
 * gateway and the proxy, so its tool calls are audited and its usage costed under that client.
 * Run by the hub in its own process (src/servers/in-process.ts), the child gets the hub's URL and
 * a credential the hub minted for the entry's name instead (or the entry's token, when it has one).
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { isClientName } from '../../auth/client-store.js';
import { DEFAULT_TOKEN_ENV, channelFromFlags } from '../../proxy/channel/from-flags.js';
import type { InProcessFactory } from '../in-process.js';
import { positive } from '../models/cli.js';
import { createRoots } from '../roots.js';
import { createAgentMcpServer } from './tools.js';

interface AgentFlags { proxyUrl?: string; gatewayUrl?: string; tokenEnv: string; root: string[]; timeout: string; claude?: string }

function parseAgentFlags(args: string[]): AgentFlags {
  const command = new Command('patchbay server agent')
    .description('Serve Claude Code as an MCP tool on stdio (claude_code), limited to Patchbay\'s gateway and proxy')
    .option('--proxy-url <url>', 'Patchbay\'s proxy (default PATCHBAY_PROXY_URL, else the running `patchbay up`)')
    .option('--gateway-url <url>', 'Patchbay\'s MCP gateway (default <proxy-url>/mcp)')
    .option('--token-env <NAME>', 'variable holding the client token (`patchbay clients add agent`)', DEFAULT_TOKEN_ENV)
    .option('--root <dir>', 'directory Claude Code may run in (repeatable; default the working directory)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--timeout <seconds>', 'longest run; then the process group is killed', '600')
    .option('--claude <path>', 'the claude executable (default `claude` on PATH)')
    .exitOverride();
  command.parse(args, { from: 'user' });
  return command.opts<AgentFlags>();
}

export async function runAgentServer(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const flags = parseAgentFlags(args);
  const { endpoint } = await channelFromFlags(flags, env, 'agent');
  const server = createAgentServer(flags, endpoint, process.cwd());
  const { StdioServerTransport } = await import('@modelcontextprotocol/server/stdio');
  await server.connect(new StdioServerTransport());
}

/** In the hub: the child reaches this very hub, as the client the entry is named after. */
export const agentInProcess: InProcessFactory = async (args, deps) => {
  const flags = parseAgentFlags(args);
  const own = deps.env[flags.tokenEnv];
  const hub = deps.hubEndpoint(agentClientName(deps.name));
  const endpoint = { url: flags.proxyUrl ?? hub.url, token: own ?? hub.token };
  const server = createAgentServer(flags, endpoint, deps.cwd, deps.env);
  return { server, close: async () => { await server.close(); } };
};

/** The client the child runs as: the entry's name when it can be one, else `agent`. */
function agentClientName(entryName: string): string {
  return isClientName(entryName) ? entryName : 'agent';
}

function createAgentServer(flags: AgentFlags, endpoint: { url: string; token: string }, cwd: string, env?: NodeJS.ProcessEnv) {
  return createAgentMcpServer({
    roots: createRoots(flags.root.length > 0 ? flags.root.map((root) => resolve(cwd, root)) : [cwd]),
    gateway: { url: flags.gatewayUrl ?? `${endpoint.url}/mcp`, token: endpoint.token },
    proxy: endpoint,
    timeoutMs: positive(flags.timeout, '--timeout') * 1000,
    ...(flags.claude ? { command: flags.claude } : {}),
    ...(env ? { env } : {}),
  });
}
