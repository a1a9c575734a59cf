/**
 * The built-in files and web servers as users run them behind the hub: `patchbay server files`
 * and `patchbay server web` (the real CLI) as stdio entries, the hub's real guards (policy and
 * audit over patchbay.db), SDK v2 clients over Streamable HTTP in both protocol eras. The web
 * server's MCP App view resolves under its namespaced ui:// URI, and a call an app makes through
 * its host (a plain tools/call on the gateway) meets the same policy as any other.
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubGuards, type HubGuards } from '../../src/gateway/guards.js';
import { PATCHBAY_BIN } from '../helpers/cli.js';
import { startGateway, stdioServer, type Running } from '../gateway/helpers/harness.js';
import { writeConfig } from '../policy/helpers.js';

const TOKEN = 'pb_local_builtins';
const MIME = 'text/html;profile=mcp-app';
const eras = [
  ['2025-11-25', 'legacy'],
  ['2026-07-28', { pin: '2026-07-28' }],
] as const;

let running: Running;
let guards: HubGuards;
let root: string;

beforeAll(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'local-gw-')));
  mkdirSync(join(root, 'site'));
  writeFileSync(join(root, 'notes.txt'), 'one\ntwo\n');
  writeFileSync(join(root, 'locked.txt'), 'keep\n');
  writeFileSync(join(root, 'site', 'index.html'), '<!doctype html><html><head><link rel="stylesheet" href="s.css"></head><body><script src="a.js"></script></body></html>');
  writeFileSync(join(root, 'site', 's.css'), 'body{margin:0}');
  writeFileSync(join(root, 'site', 'a.js'), 'console.log(1)');
  writeConfig({ permissions: { deny: ['mcp__files__write_file(path:locked.txt)'] } });
  const servers = [
    stdioServer('files', PATCHBAY_BIN, {}, ['server', 'files', '--root', root]),
    stdioServer('web', PATCHBAY_BIN, {}, ['server', 'web', '--root', join(root, 'site'), '--no-viewer']),
  ];
  guards = await createHubGuards({ projectRoot: root, servers, env: process.env, log: () => undefined });
  running = await startGateway(servers, { token: TOKEN, hub: { guards: guards.guards } });
}, 60_000);
afterAll(async () => {
  await running?.close();
  await guards?.close();
});

async function connect(mode: (typeof eras)[number][1]): Promise<Client> {
  const client = new Client({ name: 'local-host', version: '1' }, { capabilities: { extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: [MIME] } } }, versionNegotiation: { mode } } as never);
  await client.connect(new StreamableHTTPClientTransport(new URL(running.url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
  return client;
}
const text = (r: unknown) => ((r as { content: Array<{ text?: string }> }).content ?? []).map((c) => c.text ?? '').join('');

describe.each(eras)('files and web behind the gateway, %s', (_era, mode) => {
  it('files tools answer, edits land, escapes stay refused', { timeout: 60_000 }, async () => {
    const client = await connect(mode);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['files__read_file', 'files__edit_file', 'files__search_content', 'web__show_page']));
    expect(tools.find((t) => t.name === 'files__read_file')?.annotations).toMatchObject({ readOnlyHint: true });
    expect(text(await client.callTool({ name: 'files__read_file', arguments: { path: 'notes.txt' } }))).toBe('1\tone\n2\ttwo');
    const edit = await client.callTool({ name: 'files__edit_file', arguments: { path: 'notes.txt', edits: [{ oldText: 'two', newText: 'two!' }], dryRun: true } });
    expect(text(edit)).toContain('-two\n+two!');
    const escape = await client.callTool({ name: 'files__read_file', arguments: { path: '../../../../etc/passwd' } });
    expect(escape.isError).toBe(true);
    await client.close();
  });

  it('show_page\'s view resolves under the namespaced ui:// URI, inlined', { timeout: 60_000 }, async () => {
    const client = await connect(mode);
    const { tools } = await client.listTools();
    expect((tools.find((t) => t.name === 'web__show_page')?._meta as { ui: { resourceUri: string } }).ui.resourceUri).toBe('ui://web/web/index.html');
    const shown = await client.callTool({ name: 'web__show_page', arguments: { path: 'index.html' } });
    const link = (shown.content as Array<{ type: string; uri?: string }>).find((c) => c.type === 'resource_link')!;
    expect(link.uri).toBe('ui://web/web/index.html');
    const read = await client.readResource({ uri: link.uri! });
    const view = read.contents[0] as { uri: string; mimeType: string; text: string };
    expect(view).toMatchObject({ uri: 'ui://web/web/index.html', mimeType: MIME });
    expect(view.text).toContain('<style>body{margin:0}</style>');
    expect(view.text).toContain('<script>console.log(1)</script>');
    await client.close();
  });

  it('a tool call from the app (through its host) meets the policy', { timeout: 60_000 }, async () => {
    const client = await connect(mode);
    await expect(client.callTool({ name: 'files__write_file', arguments: { path: 'locked.txt', content: 'overwritten' } })).rejects.toMatchObject({ message: expect.stringContaining('deny rule "mcp__files__write_file(path:locked.txt)"') });
    expect(readFileSync(join(root, 'locked.txt'), 'utf8')).toBe('keep\n');
    await client.close();
  });
});
