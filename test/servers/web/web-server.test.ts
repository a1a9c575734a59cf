/**
 * `patchbay server web` over stdio with a real SDK v2 client: a page with a script, a
 * stylesheet and a JSON file shows through show_page as an MCP App view the client reads; the
 * loopback viewer answers only with the page's token and only on 127.0.0.1; an edit sends
 * notifications/resources/updated to a subscriber.
 */
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, tempTree } from '../files/helpers.js';

const MIME = 'text/html;profile=mcp-app';
let root: string;
let client: Client;
beforeAll(async () => {
  root = tempTree(
    {
      'index.html': '<!doctype html><html><head><link rel="stylesheet" href="style.css"><script src="https://cdn.example.com/lib.js"></script></head><body><h1>Hi</h1><script src="app.js"></script></body></html>',
      'style.css': 'h1 { color: rebeccapurple }',
      'app.js': "fetch('data.json').then((r) => r.json()).then((d) => { document.querySelector('h1').textContent = d.title; });",
      'data.json': '{"title":"From JSON"}',
      'other/page.html': '<p>other</p>',
    },
    'web-root-',
  );
  client = await startServer('web', ['--root', root]);
}, 60_000);
afterAll(async () => {
  await client?.close();
});

function get(url: string, host?: string, address = '127.0.0.1'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: address, port: u.port, path: u.pathname, headers: host ? { host } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('patchbay server web', () => {
  it('show_page links an MCP App view with the script, the stylesheet and the JSON inlined and a minimal CSP', async () => {
    const { tools } = await client.listTools();
    expect(tools.find((t) => t.name === 'show_page')?._meta).toEqual({ ui: { resourceUri: 'ui://web/index.html' } });
    const shown = await client.callTool({ name: 'show_page', arguments: { path: 'index.html' } });
    expect(shown.isError).not.toBe(true);
    expect(shown._meta).toEqual({ ui: { resourceUri: 'ui://web/index.html' } });
    expect(shown.content).toContainEqual({ type: 'resource_link', uri: 'ui://web/index.html', name: 'index.html', mimeType: MIME });
    const read = await client.readResource({ uri: 'ui://web/index.html' });
    const view = read.contents[0] as { mimeType: string; text: string; _meta: unknown };
    expect(view.mimeType).toBe(MIME);
    expect(view.text).toContain('<style>h1 { color: rebeccapurple }</style>');
    expect(view.text).toContain("<script>fetch('data.json')");
    expect(view.text).toContain('{"data.json":"{\\"title\\":\\"From JSON\\"}"}');
    expect(view.text).not.toContain('src="app.js"');
    expect(view._meta).toEqual({ ui: { csp: { connectDomains: [], resourceDomains: ['https://cdn.example.com'] }, prefersBorder: true } });
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(expect.arrayContaining(['web://local/data.json', 'web://local/app.js', 'ui://web/index.html', 'ui://web/other/page.html']));
    expect(((await client.readResource({ uri: 'web://local/data.json' })).contents[0] as { text: string }).text).toBe('{"title":"From JSON"}');
  });

  it('refuses pages outside the root', async () => {
    const out = await client.callTool({ name: 'show_page', arguments: { path: '../../etc/passwd' } });
    expect(out.isError).toBe(true);
    await expect(client.readResource({ uri: 'web://local/../../etc/passwd' })).rejects.toThrow();
  });

  it('the loopback viewer serves the page only with its token, only to 127.0.0.1', async () => {
    const shown = await client.callTool({ name: 'show_page', arguments: { path: 'index.html' } });
    const url = (shown.structuredContent as { url: string }).url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[\w-]{24}\/index\.html$/);
    expect(await get(url)).toMatchObject({ status: 200, body: expect.stringContaining('<h1>Hi</h1>') });
    expect((await get(url.replace('index.html', 'data.json'))).body).toBe('{"title":"From JSON"}');
    const u = new URL(url);
    expect((await get(`${u.origin}/index.html`)).status).toBe(404);
    expect((await get(`${u.origin}/${'x'.repeat(24)}/index.html`)).status).toBe(404);
    expect((await get(url, `evil.example:${u.port}`)).status).toBe(421);
    // The token opens its page's directory, not the page of another directory's token.
    const other = (await client.callTool({ name: 'show_page', arguments: { path: 'other/page.html' } })).structuredContent as { url: string };
    expect((await get(other.url.replace('other/page.html', 'index.html'))).status).toBe(404);
    // Bound to 127.0.0.1 only: another address of this machine does not answer.
    const lan = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
    if (lan) await expect(get(url.replace('127.0.0.1', lan.address), undefined, lan.address)).rejects.toThrow();
  });

  it('an edit sends resources/updated to a subscriber', async () => {
    const updated: string[] = [];
    client.setNotificationHandler('notifications/resources/updated', (n) => void updated.push(n.params.uri));
    await client.subscribeResource({ uri: 'ui://web/index.html' });
    writeFileSync(join(root, 'style.css'), 'h1 { color: teal }');
    for (let i = 0; i < 100 && !updated.includes('ui://web/index.html'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(updated).toContain('ui://web/index.html');
    const read = await client.readResource({ uri: 'ui://web/index.html' });
    expect((read.contents[0] as { text: string }).text).toContain('h1 { color: teal }');
  });
});
