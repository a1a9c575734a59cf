/**
 * The web server: a directory's HTML, JS, CSS, JSON and images as MCP resources
 * (`web://local/<path>`), each HTML page also as an MCP App view (`ui://web/<path>`, MIME type
 * `text/html;profile=mcp-app`, SEP-1865) with its local files inlined, a `show_page` tool whose
 * result links that view (and a loopback URL for hosts without MCP Apps), and
 * notifications/resources/updated to subscribers when a file a resource is made of changes.
 * Nothing outside the root is read (the files server's PathGuard), no system file is touched.
 */
import { watch, type FSWatcher } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { createPathGuard, PathRefused } from '../files/path-guard.js';
import { readBytes } from '../files/read.js';
import { walk } from '../files/walk.js';
import { inlinePage } from './inline.js';
import { CONTENT_TYPES, startViewer, type Viewer } from './viewer.js';

/** SEP-1865's MIME type for an MCP App view (as `RESOURCE_MIME_TYPE` in @modelcontextprotocol/ext-apps). */
export const MCP_APP_MIME = 'text/html;profile=mcp-app';
const MAX_LISTED = 2000;

export interface WebServerOptions {
  root: string;
  viewer: boolean;
}

export interface WebServer {
  server: McpServer;
  ready: Promise<void>;
  close(): Promise<void>;
}

const isPage = (rel: string) => /\.html?$/i.test(rel);
const mimeOf = (rel: string) => (CONTENT_TYPES[extname(rel).toLowerCase()] ?? 'application/octet-stream').replace(/; charset=utf-8$/, '');

export function createWebServer(options: WebServerOptions): WebServer {
  const guard = createPathGuard([options.root]);
  let viewer: Viewer | undefined;
  let watcher: FSWatcher | undefined;
  const subscribed = new Set<string>();
  /** For each subscribed view, the root-relative files inlined into it at its last read. */
  const uses = new Map<string, string[]>();

  const rootDir = () => guard.roots()[0]!;
  const read = async (rel: string): Promise<Buffer | undefined> => {
    try {
      return await readBytes(guard, await guard.check(join(rootDir(), rel), 'read'));
    } catch {
      return undefined;
    }
  };
  const files = async (filter: (rel: string) => boolean): Promise<string[]> => {
    const out: string[] = [];
    for await (const e of walk(rootDir(), { visible: guard.visible, ignore: ['node_modules'] })) {
      if (e.type === 'file' && CONTENT_TYPES[extname(e.rel).toLowerCase()] && filter(e.rel)) out.push(e.rel);
      if (out.length >= MAX_LISTED) break;
    }
    return out;
  };
  const relOf = (path: unknown) => {
    const rel = String(Array.isArray(path) ? path.join('/') : path);
    if (rel.split('/').includes('..')) throw new PathRefused(`${rel}: ".." is not allowed in a resource path`);
    return rel;
  };
  const view = async (rel: string) => {
    const html = await read(rel);
    if (!html) throw new PathRefused(`${rel}: no such page under ${rootDir()}`);
    const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/') + 1) : '';
    const json = await files((r) => r.endsWith('.json') && r.startsWith(dir) && !r.slice(dir.length).includes('/'));
    const page = await inlinePage({ page: rel, html: html.toString('utf8'), read, json });
    uses.set(`ui://web/${rel}`, page.uses);
    return page;
  };

  const server = new McpServer(
    { name: 'patchbay-web', version: '0.1.0' },
    { capabilities: { tools: {}, resources: { subscribe: true, listChanged: true } }, instructions: 'Local web pages: show_page(path) renders one as an MCP App (or gives a loopback URL); web://local/… resources are the files.' },
  );

  server.registerResource(
    'local file',
    new ResourceTemplate('web://local/{+path}', { list: async () => ({ resources: (await files(() => true)).map((rel) => ({ uri: `web://local/${rel}`, name: rel, mimeType: mimeOf(rel) })) }) }),
    { description: 'A file under the web root' },
    async (uri, { path }) => {
      const rel = relOf(path);
      const body = await read(rel);
      if (!body) throw new PathRefused(`${rel}: not found under the web root`);
      const mimeType = mimeOf(rel);
      const text = /^(text\/|application\/json|image\/svg)/.test(mimeType);
      return { contents: [text ? { uri: uri.href, mimeType, text: body.toString('utf8') } : { uri: uri.href, mimeType, blob: body.toString('base64') }] };
    },
  );
  server.registerResource(
    'page view',
    new ResourceTemplate('ui://web/{+path}', { list: async () => ({ resources: (await files(isPage)).map((rel) => ({ uri: `ui://web/${rel}`, name: rel, mimeType: MCP_APP_MIME })) }) }),
    { description: 'An HTML page as an MCP App view, its local scripts, styles and JSON inlined', mimeType: MCP_APP_MIME },
    async (uri, { path }) => {
      const page = await view(relOf(path));
      return { contents: [{ uri: uri.href, mimeType: MCP_APP_MIME, text: page.html, _meta: { ui: { csp: page.csp, prefersBorder: true } } }] };
    },
  );

  server.registerTool(
    'show_page',
    {
      title: 'Show a local page',
      description: 'Show an HTML page from the web root: hosts that render MCP Apps show it inline (its ui:// view); otherwise open the loopback URL in the result.',
      inputSchema: z.object({ path: z.string().min(1).describe('the page, relative to the web root, e.g. "index.html"') }),
      annotations: { readOnlyHint: true, openWorldHint: false },
      _meta: { ui: { resourceUri: 'ui://web/index.html' } },
    },
    async ({ path }) => {
      try {
        const resolved = await guard.check(join(rootDir(), path), 'read');
        const rel = relative(rootDir(), resolved).split(sep).join('/');
        if (!isPage(rel)) throw new PathRefused(`${rel} is not an HTML page`);
        await view(rel);
        const uri = `ui://web/${rel}`;
        const url = viewer?.urlFor(rel);
        return {
          content: [
            { type: 'text' as const, text: `${rel}${url ? `: open ${url} in a browser on this machine if the page is not shown here` : ''}` },
            { type: 'resource_link' as const, uri, name: rel, mimeType: MCP_APP_MIME },
          ],
          structuredContent: { uri, ...(url ? { url } : {}) },
          _meta: { ui: { resourceUri: uri } },
        };
      } catch (error) {
        return { content: [{ type: 'text' as const, text: error instanceof Error ? error.message : String(error) }], isError: true };
      }
    },
  );

  server.server.setRequestHandler('resources/subscribe', async (request) => {
    subscribed.add(request.params.uri);
    if (request.params.uri.startsWith('ui://web/')) await view(relOf(request.params.uri.slice('ui://web/'.length))).catch(() => undefined);
    return {};
  });
  server.server.setRequestHandler('resources/unsubscribe', async (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });

  const pending = new Map<string, NodeJS.Timeout>();
  const changed = (rel: string) => {
    for (const uri of subscribed) {
      const hit = uri === `web://local/${rel}` || (uses.get(uri) ?? []).includes(rel) || (uri.startsWith('ui://web/') && rel.endsWith('.json'));
      if (!hit || pending.has(uri)) continue;
      // Editors write in bursts (truncate, write, rename): one notification per burst.
      pending.set(uri, setTimeout(() => {
        pending.delete(uri);
        void server.server.sendResourceUpdated({ uri }).catch(() => undefined);
      }, 50));
    }
  };

  const ready = (async () => {
    await guard.ready;
    if (guard.roots().length === 0) throw new PathRefused(`web root ${options.root} does not exist`);
    if (options.viewer) viewer = await startViewer(read);
    watcher = watch(rootDir(), { recursive: true }, (_event, name) => name && changed(String(name).split(sep).join('/')));
    watcher.on('error', () => undefined);
  })();

  return {
    server,
    ready,
    async close() {
      watcher?.close();
      for (const t of pending.values()) clearTimeout(t);
      await viewer?.close();
      await server.close();
    },
  };
}
