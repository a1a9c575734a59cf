/**
 * The loopback viewer for hosts that do not render MCP Apps: 127.0.0.1 only, a random port, and
 * a token per page in the path (`/<token>/<page>`) that opens only that page's directory. No
 * token, a wrong one, another Host header (DNS rebinding) or a path outside: 404/421, never a
 * listing. Files are read through the same PathGuard as the resources.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { extname, posix } from 'node:path';

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.txt': 'text/plain; charset=utf-8',
};

export interface Viewer {
  /** The URL a person opens for this page (root-relative path). */
  urlFor(page: string): string;
  port: number;
  close(): Promise<void>;
}

export async function startViewer(read: (rel: string) => Promise<Buffer | undefined>): Promise<Viewer> {
  const tokens = new Map<string, string>(); // token → page directory ('' for the root)
  const byPage = new Map<string, string>();
  let port = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.headers.host !== `127.0.0.1:${port}`) return void res.writeHead(421).end('wrong host\n');
      if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end();
      const [, token, ...rest] = (req.url ?? '/').split('?')[0]!.split('/');
      const scope = token ? tokens.get(token) : undefined;
      let rel: string;
      try {
        rel = posix.normalize(decodeURIComponent(rest.join('/')));
      } catch {
        return void res.writeHead(400).end();
      }
      if (scope === undefined || rel.startsWith('..') || (scope !== '' && !(rel === scope || rel.startsWith(`${scope}/`)))) return void res.writeHead(404).end('not found\n');
      const body = await read(rel);
      if (!body) return void res.writeHead(404).end('not found\n');
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(rel).toLowerCase()] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  return {
    port,
    urlFor(page) {
      let token = byPage.get(page);
      if (!token) {
        token = randomBytes(18).toString('base64url');
        byPage.set(page, token);
        const dir = posix.dirname(page);
        tokens.set(token, dir === '.' ? '' : dir);
      }
      return `http://127.0.0.1:${port}/${token}/${page.split('/').map(encodeURIComponent).join('/')}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
