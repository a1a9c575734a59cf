/**
 * `list` over HTTP against real servers on 127.0.0.1: an official SDK Streamable HTTP server
 * (connected) and an endpoint that demands OAuth (401 with WWW-Authenticate: needs authentication).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { z } from 'zod';
import { createSandbox } from './sandbox.js';

let server: Server;
let origin: string;

beforeAll(async () => {
  const mcp = toNodeHandler(
    createMcpHandler(() => {
      const s = new McpServer({ name: 'remote-tiny', version: '1.0.0' });
      s.registerTool('ping', { description: 'pong', inputSchema: z.object({}) }, async () => ({ content: [{ type: 'text', text: 'pong' }] }));
      return s;
    }),
  );
  server = createServer((req, res) => {
    if (req.url?.startsWith('/mcp')) {
      mcp(req, res).catch(() => res.end());
      return;
    }
    req.resume();
    res.writeHead(401, { 'WWW-Authenticate': `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource"` }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('patchbay mcp list with remote servers', () => {
  it('shows a real HTTP server connected and an OAuth-protected one as needing authentication', async () => {
    const sandbox = createSandbox();
    expect((await sandbox.run(['add', '-s', 'user', '-H', 'X-Api-Key: key-abcdef', 'live', `${origin}/mcp`])).code).toBe(0);
    expect((await sandbox.run(['add', '-s', 'user', '-t', 'http', 'locked', `${origin}/protected`])).code).toBe(0);
    const result = await sandbox.run(['list', '--timeout', '15000'], { timeoutMs: 40_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`live: ${origin}/mcp (HTTP) - ✔ Connected`);
    expect(result.stdout).toContain(`locked: ${origin}/protected (HTTP) - ! Needs authentication`);
    expect(result.stdout).not.toContain('key-abcdef');
    const json = JSON.parse((await sandbox.run(['get', 'live', '--json'], { timeoutMs: 40_000 })).stdout);
    expect(json).toMatchObject({ name: 'live', type: 'http', status: 'connected', headers: { 'X-Api-Key': '***' } });
  }, 60_000);
});
