/**
 * The models server in-process behind an SDK v2 client, in front of the real proxy on
 * 127.0.0.1 (OpenAI-compatible and Gemini fixture upstreams behind it), a real client token
 * from a real clients.json, and real SQLite files for usage and threads.
 */
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { join } from 'node:path';
import { createFileClientStore } from '../../../src/auth/client-store.js';
import { createHttpChannel, type ModelChannel } from '../../../src/proxy/channel/index.js';
import { parseProxySettings } from '../../../src/proxy/config/validate.js';
import { startProxy, type RunningProxy } from '../../../src/proxy/server/listen.js';
import { createModelsMcpServer } from '../../../src/servers/models/tools.js';
import { createRoots } from '../../../src/servers/roots.js';
import { openThreadStore, type ThreadStore } from '../../../src/store/thread-store.js';
import type { UsageStore } from '../../../src/store/usage-store.js';
import { FAST_RETRY } from '../../proxy/e2e/harness.js';
import type { FakeUpstream, UpstreamHandler } from '../../fixtures/upstreams/server.js';

export const SHARED_TOKEN = 'pb_models_shared_0123456789abcdefghijklmnopqrstuv';

/** Both fixtures as providers (keys sk-models-openai, gm-models-gemini), aliases fast and flash. */
const MODELS_CONFIG = {
  providers: [
    { name: 'openai', kind: 'openai', baseUrl: '', apiKeyEnv: 'OPENAI_KEY' },
    { name: 'gemini', kind: 'gemini', baseUrl: '', apiKeyEnv: 'GEMINI_KEY' },
  ],
  router: { default: 'openai,gpt-4.1' },
  aliases: { fast: 'openai,gpt-4.1-mini', flash: 'gemini,gemini-2.5-flash' },
};
const MODELS_KEYS = { OPENAI_KEY: 'sk-models-openai', GEMINI_KEY: 'gm-models-gemini' };

function modelsConfig(openai: FakeUpstream, gemini: FakeUpstream) {
  return { ...MODELS_CONFIG, providers: [{ ...MODELS_CONFIG.providers[0]!, baseUrl: openai.url }, { ...MODELS_CONFIG.providers[1]!, baseUrl: gemini.url }] };
}

export function modelsProxySettings(dir: string, openai: FakeUpstream, gemini: FakeUpstream) {
  return parseProxySettings({ retry: FAST_RETRY, ...modelsConfig(openai, gemini) }, join(dir, 'config.json'), MODELS_KEYS);
}

/**
 * Wraps answers so that each waits until `count` requests have arrived: a call that finishes
 * proves its requests were all open at once (no timing involved). `open()` counts arrivals.
 */
export function heldUntil(count: number) {
  let open = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => { release = resolve; });
  return {
    open: () => open,
    hold: (answer: UpstreamHandler): UpstreamHandler => async (request, res) => {
      if (++open === count) release();
      await all;
      await answer(request, res);
    },
  };
}

export async function startModelsProxy(dir: string, openai: FakeUpstream, gemini: FakeUpstream, usage: UsageStore): Promise<{ proxy: RunningProxy; clientToken: string; close(): Promise<void> }> {
  return startProxyForClient(dir, 'models-client', modelsConfig(openai, gemini), MODELS_KEYS, usage);
}

/**
 * Patchbay's real proxy on 127.0.0.1 in front of fixture upstreams, with a real client token
 * (from a real clients.json) for `client`: what a built-in server run alone is given.
 */
export async function startProxyForClient(dir: string, client: string, config: Record<string, unknown>, keys: Record<string, string>, usage: UsageStore): Promise<{ proxy: RunningProxy; clientToken: string; close(): Promise<void> }> {
  const clients = createFileClientStore(join(dir, 'clients.json'));
  const { token } = await clients.add(client);
  const settings = parseProxySettings({ retry: FAST_RETRY, ...config }, join(dir, 'config.json'), keys);
  const proxy = await startProxy({ settings, token: SHARED_TOKEN, clients: clients.resolver({ recheckMs: 0 }), port: 0, host: '127.0.0.1', usage, log: () => undefined });
  return { proxy, clientToken: token, close: () => proxy.close() };
}

export interface ModelsClient {
  mcp: Client;
  threads: ThreadStore;
  call(name: string, args: Record<string, unknown>, options?: Parameters<Client['callTool']>[1]): Promise<{ text: string; isError: boolean; data: any }>;
  close(): Promise<void>;
}

export async function connectModels(options: { channel?: ModelChannel; url?: string; token?: string; threadsFile: string; root: string; maxAgeMs?: number; contextTokens?: number }): Promise<ModelsClient> {
  const channel = options.channel ?? createHttpChannel({ url: options.url!, token: options.token! });
  const threads = openThreadStore(options.threadsFile, options.maxAgeMs ? { maxAgeMs: options.maxAgeMs } : {});
  const server = createModelsMcpServer({ channel, threads, roots: createRoots([options.root]), maxTokens: 256, ...(options.contextTokens ? { contextTokens: options.contextTokens } : {}) });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  const mcp = new Client({ name: 'models-test', version: '1' });
  await mcp.connect(a);
  return {
    mcp,
    threads,
    async call(name, args, callOptions) {
      const r = (await mcp.callTool({ name, arguments: args }, callOptions)) as { content: Array<{ text?: string }>; isError?: boolean; structuredContent?: Record<string, unknown> };
      return { text: r.content.map((c) => c.text ?? '').join(''), isError: r.isError === true, data: r.structuredContent };
    },
    close: async () => { await mcp.close(); await server.close(); threads.close(); await channel.close(); },
  };
}
