/** `patchbay server reddit` in-process, behind a real SDK v2 client over the in-memory pair. */
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { createResponseCache } from '../../../src/servers/reddit/cache.js';
import { createRedditClient, type Fetched, type RedditCredentials } from '../../../src/servers/reddit/client.js';
import { createRateBudget } from '../../../src/servers/reddit/rate-budget.js';
import { createRedditMcpServer } from '../../../src/servers/reddit/tools.js';

export interface RedditOptions {
  baseUrl: string;
  credentials?: RedditCredentials;
  perMinute?: number;
  maxWaitMs?: number;
  cacheTtlMs?: number;
  allowNsfw?: boolean;
}

export async function connectReddit(options: RedditOptions) {
  const base = new URL(options.baseUrl);
  const client = createRedditClient({
    baseUrl: base,
    oauthBaseUrl: new URL(`${options.baseUrl}/oauth`),
    userAgent: 'test:patchbay-reddit:1.0 (by /u/tester)',
    ...(options.credentials ? { credentials: options.credentials } : {}),
    budget: createRateBudget({ perMinute: options.perMinute ?? 600, maxWaitMs: options.maxWaitMs ?? 5_000 }),
    cache: createResponseCache<Fetched>({ ttlMs: options.cacheTtlMs ?? 60_000, maxEntries: 100 }),
    timeoutMs: 5_000,
  });
  const server = createRedditMcpServer({ client, allowNsfw: options.allowNsfw === true, origin: base.origin });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  const mcp = new Client({ name: 'reddit-test', version: '1' });
  await mcp.connect(a);
  return {
    mcp,
    async call(name: string, args: Record<string, unknown>) {
      const r = (await mcp.callTool({ name, arguments: args })) as { content: Array<{ text?: string }>; isError?: boolean; structuredContent?: Record<string, unknown> };
      return { text: r.content.map((c) => c.text ?? '').join(''), isError: r.isError === true, data: r.structuredContent as Record<string, unknown> & { items?: Array<Record<string, unknown>> } };
    },
    close: async () => (await mcp.close(), await server.close()),
  };
}
