/**
 * `patchbay server search --backend anthropic|searxng|brave|tavily [options]`: web search on
 * stdio. The backend and its limits are the entry's flags; keys come from the variable
 * `--key-env` names (an entry puts a `${secret:…}` reference there), the Anthropic backend
 * reaches models only through Patchbay's proxy: with a client token when run alone, on the hub's
 * own proxy when the hub runs it in-process (searchInProcess, ../in-process.ts).
 */
import { Command, Option } from 'commander';
import { PatchbayError } from '../../errors.js';
import { DEFAULT_TOKEN_ENV, channelFromFlags } from '../../proxy/channel/from-flags.js';
import type { ModelChannel } from '../../proxy/channel/index.js';
import type { InProcessFactory } from '../in-process.js';
import { openSearchUsageStore } from '../../store/search-usage-store.js';
import { positive } from '../models/cli.js';
import { createAnthropicBackend } from './anthropic-search.js';
import type { SearchBackend } from './backend.js';
import { createSearchMcpServer } from './tools.js';
import { createBraveBackend, createSearxngBackend, createTavilyBackend } from './web-apis.js';

type BackendName = SearchBackend['name'];

interface SearchFlags {
  backend: BackendName;
  baseUrl?: string;
  keyEnv?: string;
  model: string;
  maxUses: string;
  maxContinuations: string;
  proxyUrl?: string;
  tokenEnv: string;
  dailyCap: string;
  costPer1000?: string;
  cacheTtl: string;
  fetch?: boolean;
  fetchMaxBytes: string;
  db?: string;
}

/** Where each API lives and what its plan costs per 1,000 searches (published list prices; override with --cost-per-1000). */
const WEB_APIS = {
  searxng: { baseUrl: undefined, keyEnv: undefined, usdPer1000: 0 },
  brave: { baseUrl: 'https://api.search.brave.com', keyEnv: 'BRAVE_API_KEY', usdPer1000: 5 },
  tavily: { baseUrl: 'https://api.tavily.com', keyEnv: 'TAVILY_API_KEY', usdPer1000: 8 },
} as const;

export function searchCommand(): Command {
  return new Command('patchbay server search')
    .description('Serve web search (and optionally web_fetch) as MCP tools on stdio')
    .addOption(new Option('--backend <name>', 'who answers: anthropic (through Patchbay\'s proxy), searxng, brave, tavily').choices(['anthropic', 'searxng', 'brave', 'tavily']).makeOptionMandatory())
    .option('--base-url <url>', 'the API\'s base URL (required for searxng; brave and tavily have defaults)')
    .option('--key-env <NAME>', 'variable holding the brave/tavily key (default BRAVE_API_KEY / TAVILY_API_KEY)')
    .option('--model <route>', 'anthropic: a route to the proxy\'s Anthropic provider', 'anthropic,claude-sonnet-4-5')
    .option('--max-uses <n>', 'anthropic: paid searches one call may make (the API\'s max_uses)', '3')
    .option('--max-continuations <n>', 'anthropic: pause_turn continuations per call', '3')
    .option('--proxy-url <url>', 'anthropic: Patchbay\'s proxy (default PATCHBAY_PROXY_URL, else the running `patchbay up`)')
    .option('--token-env <NAME>', 'anthropic: variable holding the client token (`patchbay clients add search`)', DEFAULT_TOKEN_ENV)
    .option('--daily-cap <n>', 'searches per UTC day, counted in Patchbay\'s SQLite store', '100')
    .option('--cost-per-1000 <usd>', 'estimated USD per 1,000 searches (default: brave 5, tavily 8, searxng 0; anthropic is $10 plus tokens)')
    .option('--cache-ttl <seconds>', 'identical queries are answered from memory this long (0: no cache)', '300')
    .option('--fetch', 'also offer web_fetch(url): public http(s) pages as text')
    .option('--fetch-max-bytes <n>', 'web_fetch reads at most this many bytes', '262144')
    .option('--db <file>', 'SQLite file for the daily count (default Patchbay\'s patchbay.db)');
}

export async function runSearchServer(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { server, backend, dailyCap, fetch } = await createSearchServer(args, env, (flags) => channelFromFlags(flags, env, 'search'));
  const { StdioServerTransport } = await import('@modelcontextprotocol/server/stdio');
  await server.connect(new StdioServerTransport());
  process.stderr.write(`patchbay server search: backend ${backend}, daily cap ${dailyCap}${fetch ? ', web_fetch on' : ''}\n`);
}

/** The hub runs it in its own process (src/servers/in-process.ts): the anthropic backend on the hub's proxy, keys from the entry's env. */
export const searchInProcess: InProcessFactory = async (args, deps) => {
  const { server, close } = await createSearchServer(args, deps.env, () => deps.channel());
  return { server, close };
};

/** One search server from its flags, on stdio or in-process alike; the channel is opened only for the anthropic backend. */
async function createSearchServer(args: string[], env: NodeJS.ProcessEnv, openChannel: (flags: SearchFlags) => Promise<ModelChannel>) {
  const command = searchCommand().exitOverride();
  command.parse(args, { from: 'user' });
  const flags = command.opts<SearchFlags>();
  const cacheTtl = Number(flags.cacheTtl);
  if (!Number.isFinite(cacheTtl) || cacheTtl < 0) throw new PatchbayError('USAGE', `--cache-ttl must be 0 or more seconds, not "${flags.cacheTtl}"`);
  const dailyCap = Number(flags.dailyCap);
  if (!Number.isInteger(dailyCap) || dailyCap < 0) throw new PatchbayError('USAGE', `--daily-cap must be a whole number of searches, not "${flags.dailyCap}"`);
  const secrets: string[] = [];
  let channel: ModelChannel | undefined;
  const backend = await backendFromFlags(flags, env, secrets, async () => {
    channel = await openChannel(flags);
    if (channel.endpoint.token) secrets.push(channel.endpoint.token);
    return channel;
  });
  const usage = openSearchUsageStore(flags.db);
  const server = createSearchMcpServer({
    backend,
    usage,
    dailyCap,
    cacheTtlMs: cacheTtl * 1000,
    secrets,
    ...(flags.fetch ? { fetch: { maxBytes: positive(flags.fetchMaxBytes, '--fetch-max-bytes') } } : {}),
  });
  const close = async () => {
    await server.close();
    usage.close();
    await channel?.close();
  };
  return { server, close, backend: backend.name, dailyCap, fetch: flags.fetch === true };
}

async function backendFromFlags(flags: SearchFlags, env: NodeJS.ProcessEnv, secrets: string[], openChannel: () => Promise<ModelChannel>): Promise<SearchBackend> {
  if (flags.backend === 'anthropic') {
    const channel = await openChannel();
    return createAnthropicBackend({
      channel,
      model: flags.model,
      maxUses: whole(flags.maxUses, '--max-uses', 1),
      maxContinuations: whole(flags.maxContinuations, '--max-continuations', 0),
    });
  }
  const api = WEB_APIS[flags.backend];
  const baseUrl = flags.baseUrl ?? api.baseUrl;
  if (!baseUrl) throw new PatchbayError('USAGE', `--backend ${flags.backend} needs --base-url (the instance, e.g. http://127.0.0.1:8888)`);
  try {
    if (!/^https?:$/.test(new URL(baseUrl).protocol)) throw new Error('not http');
  } catch {
    throw new PatchbayError('USAGE', `--base-url "${baseUrl}" is not an http(s) URL`);
  }
  const usdPer1000 = flags.costPer1000 === undefined ? api.usdPer1000 : Number(flags.costPer1000);
  if (!Number.isFinite(usdPer1000) || usdPer1000 < 0) throw new PatchbayError('USAGE', `--cost-per-1000 must be a USD amount, not "${flags.costPer1000}"`);
  if (flags.backend === 'searxng') return createSearxngBackend({ baseUrl, usdPer1000 });
  const keyEnv = flags.keyEnv ?? api.keyEnv!;
  const key = env[keyEnv];
  if (!key) {
    throw new PatchbayError('USAGE', `--backend ${flags.backend} needs its API key in ${keyEnv}`, {
      hint: `Store it with \`patchbay secrets set ${flags.backend}-key\` and give it to the entry as -e '${keyEnv}=\${secret:${flags.backend}-key}'.`,
    });
  }
  secrets.push(key);
  return flags.backend === 'brave' ? createBraveBackend({ baseUrl, key, usdPer1000 }) : createTavilyBackend({ baseUrl, key, usdPer1000 });
}

function whole(text: string, flag: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new PatchbayError('USAGE', `${flag} must be a whole number of at least ${min}, not "${text}"`);
  return n;
}
