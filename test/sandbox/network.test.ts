/**
 * The sandbox's network: a fixture server inside tries real listeners on the host's 127.0.0.1.
 * With "none" nothing answers; with an allow list only the listed host:port does — by a direct
 * TCP connection (the relay forwards listed loopback ports) and by fetch() through the egress
 * proxy — and every refusal is in the server's log with the reason.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE22_BIN } from '../helpers/node22.js';
import { connect, isLinux, PROBE_SERVER, requireSandbox, visibleHome, type VisibleHome } from './helpers.js';

function listen<T extends Server | HttpServer>(server: T): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

describe.skipIf(!isLinux)('network inside the sandbox', () => {
  let where: VisibleHome;
  const allowed = createServer((socket) => socket.end('hello from the allowed port\n'));
  const forbidden = createServer((socket) => socket.end('hello from a port nobody allowed\n'));
  const named = createServer((socket) => socket.end('hello from the port listed as localhost\n'));
  const web = createHttpServer((req, res) => res.end(`web answered ${req.method} ${req.url}`));
  let allowedPort: number;
  let forbiddenPort: number;
  let webPort: number;
  let namedPort: number;

  beforeAll(async () => {
    await requireSandbox();
    where = visibleHome();
    [allowedPort, forbiddenPort, webPort, namedPort] = await Promise.all([listen(allowed), listen(forbidden), listen(web), listen(named)]);
  });
  afterAll(() => {
    allowed.close();
    forbidden.close();
    web.close();
    named.close();
    where?.cleanup();
  });

  it('unconfined, the fixture reaches both ports (the control)', async () => {
    const open = await connect('probe-open', { command: process.execPath, args: [PROBE_SERVER] }, where.project);
    try {
      expect(await open.call('connect', { host: '127.0.0.1', port: forbiddenPort })).toBe('ok: hello from a port nobody allowed');
    } finally {
      await open.connection.close();
    }
  });

  it('with an allow list, reaches the listed port and not the other', async () => {
    const probe = await connect('probe', { command: process.execPath, args: [PROBE_SERVER], patchbay: { sandbox: { network: { allow: [`127.0.0.1:${allowedPort}`, `localhost:${webPort}`, `localhost:${namedPort}`] } } } }, where.project);
    try {
      expect(await probe.call('connect', { host: '127.0.0.1', port: allowedPort })).toBe('ok: hello from the allowed port');
      expect(await probe.call('connect', { host: '127.0.0.1', port: forbiddenPort })).toMatch(/^error ECONNREFUSED/);
      // Listed by name (localhost:PORT): the port is forwarded too, and the tunnel names it as the rule does.
      expect(await probe.call('connect', { host: '127.0.0.1', port: namedPort })).toBe('ok: hello from the port listed as localhost');

      // fetch() goes through HTTP_PROXY (Node 20: Patchbay's preload; Node 22.21+: NODE_USE_ENV_PROXY).
      expect(await probe.call('fetch', { url: `http://localhost:${webPort}/through-the-proxy` })).toBe('200: web answered GET /through-the-proxy');
      expect(await probe.call('fetch', { url: `http://127.0.0.1:${forbiddenPort}/` })).toMatch(/^error/);
      expect(probe.logs.join('\n')).toMatch(new RegExp(`sandbox egress refused CONNECT 127\\.0\\.0\\.1:${forbiddenPort}: 127\\.0\\.0\\.1:${forbiddenPort} is not in the allow list`));
      expect(await probe.call('fetch', { url: 'https://example.com/' })).toMatch(/^error/);
      expect(probe.logs.join('\n')).toMatch(/refused CONNECT example\.com:443: example\.com:443 is not in the allow list/);
    } finally {
      await probe.connection.close();
    }
  });

  it('Node 22 uses the proxy through NODE_USE_ENV_PROXY (the Node 20 preload stays idle there)', async () => {
    const probe = await connect('probe-22', { command: NODE22_BIN, args: [PROBE_SERVER], patchbay: { sandbox: { network: { allow: [`localhost:${webPort}`] } } } }, where.project);
    try {
      expect(await probe.call('fetch', { url: `http://localhost:${webPort}/node22` })).toBe('200: web answered GET /node22');
      expect(await probe.call('fetch', { url: 'https://example.com/' })).toMatch(/^error/);
      expect(probe.logs.join('\n')).toMatch(/refused CONNECT example\.com:443/);
    } finally {
      await probe.connection.close();
    }
  });

  it('a wildcard rule does not open this machine: a name that resolves to loopback is refused', async () => {
    const probe = await connect('probe-any', { command: process.execPath, args: [PROBE_SERVER], patchbay: { sandbox: { network: { allow: ['*', `*:${webPort}`] } } } }, where.project);
    try {
      expect(await probe.call('fetch', { url: `http://localhost:${webPort}/` })).toMatch(/^error|^403/);
      expect(probe.logs.join('\n')).toMatch(/localhost resolves to (127\.0\.0\.1|::1), a local or link-local address/);
    } finally {
      await probe.connection.close();
    }
  });

  it('with network "none", nothing answers, not even a port of the host', async () => {
    const probe = await connect('probe-none', { command: process.execPath, args: [PROBE_SERVER], patchbay: { sandbox: true } }, where.project);
    try {
      expect(await probe.call('connect', { host: '127.0.0.1', port: allowedPort })).toMatch(/^error ECONNREFUSED/);
      expect(await probe.call('fetch', { url: `http://127.0.0.1:${webPort}/` })).toMatch(/^error/);
      expect(await probe.call('env', {})).not.toMatch(/\bHTTPS?_PROXY\b/);
    } finally {
      await probe.connection.close();
    }
  });
});
