/**
 * Real servers behind the gateway (the npm server-everything and server-filesystem, and an SDK v2
 * fixture), called by the official SDK v2 Client over HTTP in both protocol eras on the same
 * URL: legacy (initialize + Mcp-Session-Id) and 2026-07-28 (server/discover, envelope, no
 * session, input_required for elicitation).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHO_SERVER, EVERYTHING, FILESYSTEM, startGateway, stdioServer, type Running } from './helpers/harness.js';


const TOKEN = 'pb_test_token_for_eras';
const eras = [
  ['legacy', 'legacy'],
  ['2026-07-28', { pin: '2026-07-28' }],
] as const;

describe('SDK v2 clients of both eras through the gateway', () => {
  let running: Running;
  const root = mkdtempSync(join(tmpdir(), 'patchbay-fs-'));
  writeFileSync(join(root, 'hello.txt'), 'hello from the filesystem server');

  beforeAll(async () => {
    running = await startGateway(
      [
        stdioServer('echo', ECHO_SERVER),
        stdioServer('everything', EVERYTHING, {}, ['stdio']),
        stdioServer('fs', FILESYSTEM, {}, [root]),
      ],
      { token: TOKEN },
    );
    expect(running.hub.status().map((s) => [s.name, s.state])).toEqual([
      ['echo', 'ready'],
      ['everything', 'ready'],
      ['fs', 'ready'],
    ]);
  });
  afterAll(async () => {
    await running?.close();
  });

  async function connect(mode: (typeof eras)[number][1], capabilities: Record<string, unknown> = {}) {
    const client = new Client({ name: 'eras-test', version: '1.0.0' }, { capabilities, versionNegotiation: { mode } });
    const transport = new StreamableHTTPClientTransport(new URL(running.url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } });
    await client.connect(transport);
    return { client, transport };
  }

  it.each(eras)('%s: lists and calls tools of all three servers', async (era, mode) => {
    const { client, transport } = await connect(mode);
    if (era === 'legacy') expect(transport.sessionId).toBeTruthy();
    else expect(transport.sessionId).toBeUndefined();
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['echo__echo', 'everything__echo', 'fs__read_text_file']));
    const echo = await client.callTool({ name: 'everything__echo', arguments: { message: `hi ${era}` } });
    expect(JSON.stringify(echo.content)).toContain(`hi ${era}`);
    const file = await client.callTool({ name: 'fs__read_text_file', arguments: { path: join(root, 'hello.txt') } });
    expect(JSON.stringify(file.content)).toContain('hello from the filesystem server');
    const sum = await client.callTool({ name: 'echo__add', arguments: { a: 2, b: 40 } });
    expect(sum.content).toEqual([{ type: 'text', text: '42' }]);
    await client.close();
  });

  it.each(eras)('%s: a path outside the allowed directory is refused by the filesystem server, not crashed', async (_era, mode) => {
    const { client } = await connect(mode);
    const result = await client.callTool({ name: 'fs__read_text_file', arguments: { path: '/etc/passwd' } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/denied|outside|not allowed/i);
    await client.close();
  });

  it.each(eras)('%s: elicitation from the server reaches the client and its answer goes back', async (_era, mode) => {
    const { client } = await connect(mode, { elicitation: {} });
    let asked: unknown;
    client.setRequestHandler('elicitation/create', async (request) => {
      asked = request.params;
      return { action: 'accept', content: { name: 'Ada' } };
    });
    const result = await client.callTool({ name: 'echo__ask', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'hello Ada' }]);
    expect(asked).toMatchObject({ message: 'Your name?' });
    await client.close();
  });

  it.each(eras)('%s: progress notifications reach the caller', async (_era, mode) => {
    const { client } = await connect(mode);
    const progress: unknown[] = [];
    const controller = new AbortController();
    const call = client.callTool({ name: 'echo__slow', arguments: {} }, { signal: controller.signal, onprogress: (p) => {
      progress.push(p);
      controller.abort();
    } });
    await expect(call).rejects.toThrow();
    expect(progress[0]).toMatchObject({ progress: 1, total: 2, message: 'started' });
    await client.close();
  });

  it.each(eras)('%s: reads a resource and gets a prompt from server-everything', async (_era, mode) => {
    const { client } = await connect(mode);
    const { resources } = await client.listResources();
    expect(resources.length).toBeGreaterThan(0);
    const read = await client.readResource({ uri: resources[0]!.uri });
    expect(read.contents.length).toBeGreaterThan(0);
    const { prompts } = await client.listPrompts();
    const simple = prompts.find((p) => p.name.endsWith('simple-prompt') || p.name.endsWith('simple_prompt'));
    expect(simple, JSON.stringify(prompts.map((p) => p.name))).toBeTruthy();
    const got = await client.getPrompt({ name: simple!.name });
    expect(got.messages.length).toBeGreaterThan(0);
    await client.close();
  });
});
