/**
 * `patchbay server agent [options]`: Claude Code as a tool on stdio. The client token in
 * PATCHBAY_CLIENT_TOKEN (`patchbay clients add agent`) is what the child presents to the gateway
 * and the proxy, so its tool calls are audited and its usage costed under that client.
 */
import { Command } from 'commander';
import { DEFAULT_TOKEN_ENV, channelFromFlags } from '../../proxy/channel/from-flags.js';
import { positive } from '../models/cli.js';
import { createRoots } from '../roots.js';
import { createAgentMcpServer } from './tools.js';

interface AgentFlags { proxyUrl?: string; gatewayUrl?: string; tokenEnv: string; root: string[]; timeout: string; claude?: string }

export async function runAgentServer(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
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
  const flags = command.opts<AgentFlags>();
  const { endpoint } = await channelFromFlags(flags, env, 'agent');
  const server = createAgentMcpServer({
    roots: createRoots(flags.root.length > 0 ? flags.root : [process.cwd()]),
    gateway: { url: flags.gatewayUrl ?? `${endpoint.url}/mcp`, token: endpoint.token },
    proxy: endpoint,
    timeoutMs: positive(flags.timeout, '--timeout') * 1000,
    ...(flags.claude ? { command: flags.claude } : {}),
  });
  const { StdioServerTransport } = await import('@modelcontextprotocol/server/stdio');
  await server.connect(new StdioServerTransport());
}
