/**
 * The files server: the tools over a PathGuard whose roots come from `--root` and from the
 * client's MCP roots (asked after initialize and again on notifications/roots/list_changed, as
 * the 2025-11-25 revision describes). With `--root` set, a client root is taken only where it
 * lies inside one of them: a host can narrow what the entry allows, never widen it.
 */
import { fileURLToPath } from 'node:url';
import { McpServer } from '@modelcontextprotocol/server';
import { createPathGuard, isInside, type PathGuard } from './path-guard.js';
import { registerFilesTools } from './tools.js';

export interface FilesServerOptions {
  roots: readonly string[];
  ripgrep: string | undefined;
  home?: string;
}

export interface FilesServer {
  server: McpServer;
  guard: PathGuard;
  /** Settles after the initial roots are resolved. */
  ready: Promise<void>;
}

export function createFilesServer(options: FilesServerOptions): FilesServer {
  const guard = createPathGuard(options.roots, options.home ? { home: options.home } : {});
  const fixed = guard.ready.then(() => [...guard.roots()]);
  const server = new McpServer(
    { name: 'patchbay-files', version: '0.1.0' },
    {
      capabilities: { tools: {} },
      instructions: 'Read, write, edit and search files inside the roots (list_roots). Paths outside them, and credentials or config files inside them, are refused.',
    },
  );
  registerFilesTools(server, { guard, ripgrep: options.ripgrep });

  async function followClientRoots(): Promise<void> {
    if (!server.server.getClientCapabilities()?.roots) return;
    try {
      const { roots } = await server.server.listRoots();
      const offered = roots.filter((r) => r.uri.startsWith('file:')).map((r) => fileURLToPath(r.uri));
      const base = await fixed;
      await guard.setRoots(base.length === 0 ? offered : [...base, ...offered]);
      if (base.length > 0) {
        // Narrow only: keep client roots that lie inside an entry root; if none, keep the entry's.
        const inside = guard.roots().filter((r) => !base.includes(r) && base.some((b) => isInside(r, b)));
        await guard.setRoots(inside.length > 0 ? inside : base);
      }
      process.stderr.write(`patchbay server files: roots ${guard.roots().join(', ') || '(none)'}\n`);
    } catch (error) {
      process.stderr.write(`patchbay server files: could not read the client's roots: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  server.server.oninitialized = () => void followClientRoots();
  server.server.setNotificationHandler('notifications/roots/list_changed', () => followClientRoots());
  return { server, guard, ready: guard.ready };
}
