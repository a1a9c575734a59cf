#!/usr/bin/env node
/** A stdio MCP server (SDK v2) with one tool: blob {bytes, secret} -> a text result of that size, with a planted key near its end when `secret`. */
import { McpServer } from '@modelcontextprotocol/server';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';

const KEY = `ghp_${'Ab3dE6gH9j'.repeat(3)}Kl2mN5`;
const WORDS = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit; see https://example.org/docs?page=2&sort=asc for more. ';
const cache = new Map();
function text(bytes, secret) {
  const key = `${bytes}:${secret}`;
  if (!cache.has(key)) {
    let body = WORDS.repeat(Math.ceil(bytes / WORDS.length)).slice(0, bytes);
    if (secret) body = `${body.slice(0, bytes - 200)} token ${KEY} ${body.slice(bytes - 200 + KEY.length + 8)}`;
    cache.set(key, body);
  }
  return cache.get(key);
}
const server = new McpServer({ name: 'blob', version: '1.0.0' });
server.registerTool('blob', { description: 'A text result of a given size', inputSchema: z.object({ bytes: z.number().int(), secret: z.boolean() }) }, async ({ bytes, secret }) => ({
  content: [{ type: 'text', text: text(bytes, secret) }],
}));
await server.connect(new StdioServerTransport());
