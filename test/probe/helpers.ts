/** Paths of the fixture servers and small helpers shared by the probe and doctor tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ScopedServer, ServerEntry } from '../../src/config/types.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/servers/', import.meta.url));
export const EVERYTHING_BIN = fileURLToPath(
  new URL('../../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url),
);
export const FILESYSTEM_BIN = fileURLToPath(
  new URL('../../node_modules/@modelcontextprotocol/server-filesystem/dist/index.js', import.meta.url),
);

export function fixture(name: string, ...args: string[]): ServerEntry {
  return { type: 'stdio', command: process.execPath, args: [`${FIXTURES}${name}.mjs`, ...args], env: {} };
}

export function scoped(name: string, entry: ServerEntry, extra: Partial<ScopedServer> = {}): ScopedServer {
  return { name, scope: 'user', file: '/tmp/settings.json', entry, ...extra };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts server-everything's legacy SSE server on a free port; resolves once it listens. */
export async function startEverythingSse(): Promise<{ url: string; child: ChildProcess }> {
  const port = await closedPort();
  const child = spawn(process.execPath, [EVERYTHING_BIN, 'sse'], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      seen += d;
      if (seen.includes('is running on port')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server-everything sse exited with ${code}: ${seen}`)));
  });
  return { url: `http://127.0.0.1:${port}/sse`, child };
}
