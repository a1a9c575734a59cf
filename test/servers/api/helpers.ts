/**
 * A mock HTTP API on 127.0.0.1 that records every request exactly as it arrived (raw URL,
 * headers, body), and an in-process connection to `patchbay server api` through a real SDK v2
 * client over the SDK's in-memory transport pair.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { prepareApi, type ApiFlags } from '../../../src/servers/api/cli.js';
import { createApiMcpServer } from '../../../src/servers/api/mcp-server.js';

const require = createRequire(import.meta.url);
export const EXAMPLES = require.resolve('@readme/oas-examples/package.json').replace(/package\.json$/, '');
export const spec = (version: '2.0' | '3.0' | '3.1', name: string) => `${EXAMPLES}${version}/json/${name}.json`;

export interface Recorded {
  method: string;
  url: string;
  path: string;
  query: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Route = (request: Recorded, response: ServerResponse) => boolean | void;

export interface MockApi {
  url: string;
  requests: Recorded[];
  /** Routes tried in order before the default (200 with the request echoed as JSON). */
  routes: Route[];
  close(): Promise<void>;
}

export async function startMockApi(): Promise<MockApi> {
  const requests: Recorded[] = [];
  const routes: Route[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const recorded: Recorded = { method: req.method ?? '', url, path: q === -1 ? url : url.slice(0, q), query: q === -1 ? '' : url.slice(q + 1), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      if (recorded.path !== '/oauth/token') requests.push(recorded);
      for (const route of routes) if (route(recorded, res)) return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: recorded.method, path: recorded.path, query: recorded.query }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    routes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): true {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
  return true;
}

export interface Connected {
  client: Client;
  close(): Promise<void>;
  call(name: string, args?: Record<string, unknown>): Promise<{ text: string; isError: boolean; structured?: unknown }>;
  toolNames(): Promise<string[]>;
}

export async function connectApi(flags: Partial<ApiFlags> & { spec: string; baseUrl: string }, env: Record<string, string> = {}): Promise<Connected> {
  const service = await prepareApi({ authEnv: [], tokenUrl: [], authHeader: [], mode: 'auto', maxBytes: '65536', maxItems: '50', timeout: '10000', ...flags }, env);
  const server = createApiMcpServer(service, { name: 'test', allowWrites: flags.allowWrites === true });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'api-test', version: '1' });
  await client.connect(clientSide);
  return {
    client,
    async close() {
      await client.close();
      await server.close();
    },
    async call(name, args = {}) {
      const result = (await client.callTool({ name, arguments: args })) as { content: Array<{ type: string; text?: string }>; isError?: boolean; structuredContent?: unknown };
      return { text: result.content.map((c) => c.text ?? '').join('\n'), isError: result.isError === true, structured: result.structuredContent };
    },
    async toolNames() {
      return (await client.listTools()).tools.map((t) => t.name);
    },
  };
}
