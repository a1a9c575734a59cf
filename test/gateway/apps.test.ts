/**
 * MCP Apps (SEP-1865) through the gateway: two servers written with
 * `@modelcontextprotocol/ext-apps/server` that both name their view `ui://dashboard/index.html`,
 * called by SDK v2 clients of both eras. Each tool's `_meta.ui.resourceUri` must resolve (read
 * through the gateway) to that server's own HTML, the two views must not collide, and the MIME
 * type and `_meta.ui` (CSP) must arrive unchanged.
 */
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, stdioServer, type Running } from './helpers/harness.js';

const APP_SERVER = fileURLToPath(new URL('../fixtures/apps/app-server.mjs', import.meta.url));
const MIME = 'text/html;profile=mcp-app';
const CSP = { connectDomains: ['https://api.example.com'], resourceDomains: ['https://cdn.example.com'] };
const eras = [
  ['2025-11-25', 'legacy'],
  ['2026-07-28', { pin: '2026-07-28' }],
] as const;

describe('MCP Apps through the gateway', () => {
  let running: Running;
  beforeAll(async () => {
    running = await startGateway([stdioServer('alpha', APP_SERVER, {}, ['alpha']), stdioServer('beta', APP_SERVER, {}, ['beta'])]);
  });
  afterAll(async () => {
    await running?.close();
  });

  async function connect(mode: (typeof eras)[number][1]) {
    const client = new Client({ name: 'apps-host', version: '1.0.0' }, { capabilities: { extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: [MIME] } } }, versionNegotiation: { mode } } as never);
    await client.connect(new StreamableHTTPClientTransport(new URL(running.url)));
    return client;
  }

  it('keeps both servers\' views: no collision is reported', () => {
    expect(running.hub.status().map((s) => [s.name, s.state, s.collisions])).toEqual([
      ['alpha', 'ready', undefined],
      ['beta', 'ready', undefined],
    ]);
  });

  it.each(eras)('%s: each tool\'s resourceUri resolves to its own server\'s view, MIME type and CSP unchanged', async (_era, mode) => {
    const client = await connect(mode);
    const { tools } = await client.listTools();
    const { resources } = await client.listResources();
    for (const server of ['alpha', 'beta']) {
      const tool = tools.find((t) => t.name === `${server}__show_dashboard`)!;
      const uri = (tool._meta as { ui: { resourceUri: string } }).ui.resourceUri;
      expect(uri).toBe(`ui://${server}/dashboard/index.html`);
      // The older flat key the helpers also write points at the same view.
      expect((tool._meta as Record<string, unknown>)['ui/resourceUri']).toBe(uri);
      expect(resources.find((r) => r.uri === uri)).toMatchObject({ mimeType: MIME, description: `${server} dashboard` });

      const read = await client.readResource({ uri });
      expect(read.contents).toHaveLength(1);
      const view = read.contents[0] as { uri: string; mimeType: string; text: string; _meta?: unknown };
      expect(view.uri).toBe(uri);
      expect(view.mimeType).toBe(MIME);
      expect(view.text).toContain(`<main id="${server}">`);
      expect(view._meta).toEqual({ ui: { csp: CSP, prefersBorder: true } });

      const called = await client.callTool({ name: `${server}__show_dashboard`, arguments: { city: 'Oslo' } });
      expect(called.structuredContent).toEqual({ city: 'Oslo', server });
    }
    await client.close();
  });

  it.each(eras)('%s: a resource link in a tool result names the view as clients can read it', async (_era, mode) => {
    const client = await connect(mode);
    const result = await client.callTool({ name: 'beta__link_dashboard', arguments: {} });
    const link = (result.content as { type: string; uri: string; mimeType: string }[])[0]!;
    expect(link).toMatchObject({ type: 'resource_link', uri: 'ui://beta/dashboard/index.html', mimeType: MIME });
    const read = await client.readResource({ uri: link.uri });
    expect((read.contents[0] as { text: string }).text).toContain('<main id="beta">');
    await client.close();
  });

  it('a ui:// URI outside every server\'s home is not found', async () => {
    const client = await connect('legacy');
    await expect(client.readResource({ uri: 'ui://dashboard/index.html' })).rejects.toThrow(/not found/i);
    await client.close();
  });
});
