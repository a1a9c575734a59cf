import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { EVERYTHING, FIXTURES, fakeClient, rich, scoped, testHub, textOf, waitFor } from './helpers.js';
// @ts-expect-error -- a plain .mjs fixture without type declarations
import { startHttpFixture } from '../fixtures/servers/http-server.mjs';

type TestHub = ReturnType<typeof testHub>;
let hub: TestHub | undefined;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startEverythingSse(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [EVERYTHING, 'sse'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  await waitFor(() => stderr.includes(`${port}`));
  return { url: `http://127.0.0.1:${port}/sse`, child };
}

describe('hub over every transport', () => {
  it('runs stdio, Streamable HTTP and legacy SSE servers side by side, and skips a disabled one', async () => {
    const http = (await startHttpFixture()) as { url: string; close(): Promise<void> };
    cleanups.push(() => http.close());
    const sse = await startEverythingSse();
    cleanups.push(() => sse.child.kill());
    hub = testHub([
      rich('local'),
      scoped('remote', { type: 'http', url: `${http.url}/mcp` }),
      scoped('legacy', { type: 'sse', url: sse.url }),
      rich('off', { patchbay: { disabled: true } }),
    ]);
    await hub.start();
    const status = Object.fromEntries(hub.status().map((s) => [s.name, s]));
    expect(status.local).toMatchObject({ state: 'ready', transport: 'stdio' });
    expect(status.remote).toMatchObject({ state: 'ready', transport: 'http' });
    expect(status.legacy).toMatchObject({ state: 'ready', transport: 'sse' });
    expect(status.off).toMatchObject({ state: 'disabled', toolCount: 0 });
    expect(status.off!.pid).toBeUndefined();

    const client = fakeClient('s1');
    const { tools } = (await hub.request('tools/list', {}, client)) as { tools: { name: string }[] };
    const names = tools.map((t) => t.name);
    expect(names).toContain('remote__echo');
    expect(names).toContain('legacy__echo');
    expect(names.some((n) => n.startsWith('off__'))).toBe(false);
    const viaHttp = await hub.request('tools/call', { name: 'remote__echo', arguments: { text: 'over http' } }, client);
    expect(textOf(viaHttp)).toContain('over http');
    const viaSse = await hub.request('tools/call', { name: 'legacy__echo', arguments: { message: 'over sse' } }, client);
    expect(textOf(viaSse)).toContain('over sse');
  });

  it('says why a remote server is not ready: the HTTP status, after giving up restarting', async () => {
    const http = (await startHttpFixture()) as { url: string; close(): Promise<void> };
    cleanups.push(() => http.close());
    hub = testHub([scoped('walled', { type: 'http', url: `${http.url}/forbidden` })]);
    await hub.start();
    await waitFor(() => hub!.status()[0]!.state === 'failed');
    expect(hub.status()[0]!.reason).toMatch(/HTTP 403/);
  });

  it('follows nextCursor to the end of a paginated tools/list', async () => {
    hub = testHub([scoped('paged', { command: process.execPath, args: [join(FIXTURES, 'paged-server.mjs')] })]);
    const changes: string[] = [];
    hub.on((e) => e.type === 'list_changed' && changes.push(e.kind));
    await hub.start();
    // A tools-only server changes the tool list, and only that: clients are not told to re-fetch the rest.
    expect(changes).toEqual(['tools']);
    const client = fakeClient('s1');
    const { tools } = (await hub.request('tools/list', {}, client)) as { tools: { name: string }[] };
    expect(tools.map((t) => t.name)).toEqual(Array.from({ length: 25 }, (_, i) => `paged__t${i}`));
    expect(textOf(await hub.request('tools/call', { name: 'paged__t24', arguments: {} }, client))).toBe('called t24');
  });
});
