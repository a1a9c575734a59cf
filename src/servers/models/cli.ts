/**
 * `patchbay server models [options]`: other models as tools (ask, consensus, list_models). On
 * stdio it reaches Patchbay's proxy with a client token (src/proxy/channel/from-flags.ts); run
 * by the hub it lives in the hub's process on the hub's proxy (modelsInProcess, ../in-process.ts).
 * Threads go to Patchbay's SQLite file (`<data>/patchbay.db`) and expire after --thread-max-age.
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { PatchbayError } from '../../errors.js';
import { DEFAULT_TOKEN_ENV, channelFromFlags } from '../../proxy/channel/from-flags.js';
import type { ModelChannel } from '../../proxy/channel/index.js';
import { openThreadStore } from '../../store/thread-store.js';
import type { InProcessFactory, InProcessServer } from '../in-process.js';
import { createRoots } from '../roots.js';
import { createModelsMcpServer } from './tools.js';

interface ModelsFlags {
  proxyUrl?: string;
  tokenEnv: string;
  root: string[];
  model: string;
  synthesisModel?: string;
  maxTokens: string;
  contextTokens: string;
  threadMaxAge: string;
  db?: string;
}

export function modelsCommand(): Command {
  return new Command('patchbay server models')
    .description('Serve other models as MCP tools on stdio (ask, consensus, list_models), through Patchbay\'s model proxy')
    .option('--proxy-url <url>', 'Patchbay\'s proxy (default PATCHBAY_PROXY_URL, else the running `patchbay up`)')
    .option('--token-env <NAME>', 'variable holding the client token (`patchbay clients add models`)', DEFAULT_TOKEN_ENV)
    .option('--root <dir>', 'directory files/images may be read from (repeatable; default the working directory)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--model <name>', 'model when a call names none (an alias, provider,model, or "default" for the proxy\'s default route)', 'default')
    .option('--synthesis-model <name>', 'model that writes the consensus synthesis (default --model)')
    .option('--max-tokens <n>', 'longest answer', '4096')
    .option('--context-tokens <n>', 'context budget per request; older thread turns are dropped to fit', '100000')
    .option('--thread-max-age <hours>', 'threads untouched this long are deleted', '168')
    .option('--db <file>', 'SQLite file for threads (default Patchbay\'s patchbay.db)');
}

export async function runModelsServer(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const flags = parseModelsFlags(args);
  const channel = await channelFromFlags(flags, env, 'models');
  const { server } = createModelsServer(flags, channel, process.cwd());
  const { StdioServerTransport } = await import('@modelcontextprotocol/server/stdio');
  await server.connect(new StdioServerTransport());
  process.stderr.write(`patchbay server models: proxy ${channel.endpoint.url}\n`);
}

/** The hub runs it in its own process (src/servers/in-process.ts) on the hub's proxy. */
export const modelsInProcess: InProcessFactory = async (args, deps) => {
  const flags = parseModelsFlags(args);
  return createModelsServer(flags, await deps.channel(), deps.cwd);
};

interface ModelsSettings extends ModelsFlags { maxAgeMs: number; maxTokensN: number; contextTokensN: number }

/** The flags, checked before anything is opened: a bad number fails here, naming the flag. */
function parseModelsFlags(args: string[]): ModelsSettings {
  const command = modelsCommand().exitOverride();
  command.parse(args, { from: 'user' });
  const flags = command.opts<ModelsFlags>();
  return {
    ...flags,
    maxAgeMs: positive(flags.threadMaxAge, '--thread-max-age') * 3600_000,
    maxTokensN: positive(flags.maxTokens, '--max-tokens'),
    contextTokensN: positive(flags.contextTokens, '--context-tokens'),
  };
}

/** One models server from its flags, on stdio or in-process alike; close() releases the thread store and the channel. */
function createModelsServer(flags: ModelsSettings, channel: ModelChannel, cwd: string): InProcessServer {
  const threads = openThreadStore(flags.db, { maxAgeMs: flags.maxAgeMs });
  const server = createModelsMcpServer({
    channel,
    threads,
    roots: createRoots(flags.root.length > 0 ? flags.root.map((root) => resolve(cwd, root)) : [cwd]),
    defaultModel: flags.model,
    ...(flags.synthesisModel ? { synthesisModel: flags.synthesisModel } : {}),
    maxTokens: flags.maxTokensN,
    contextTokens: flags.contextTokensN,
  });
  return { server, close: async () => { await server.close(); threads.close(); await channel.close(); } };
}

export function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new PatchbayError('USAGE', `${flag} must be a positive number, not "${text}"`);
  return n;
}
