/**
 * Starts the real hub with the given servers and the gateway in front of it, on 127.0.0.1 and a
 * free port, for tests and benchmarks.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ClientResolver } from '../../../src/auth/client-store.js';
import type { ScopedServer, ServerEntry } from '../../../src/config/types.js';
import { createHub, type HubOptions } from '../../../src/hub/index.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../../src/gateway/index.js';
import type { GatewayHttpServer } from '../../../src/gateway/http/server.js';

export const CONFORMANCE_SERVER = fileURLToPath(new URL('../../fixtures/conformance/server.mjs', import.meta.url));
const require = createRequire(import.meta.url);
export const EVERYTHING = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');
export const FILESYSTEM = require.resolve('@modelcontextprotocol/server-filesystem/dist/index.js');
export const ECHO_SERVER = fileURLToPath(new URL('../../fixtures/gateway/echo-server.mjs', import.meta.url));
export const ROOTS_SERVER = fileURLToPath(new URL('../../fixtures/hub/roots-server.mjs', import.meta.url));

export function stdioServer(name: string, script: string, extra: Partial<ServerEntry> = {}, args: string[] = []): ScopedServer {
  return {
    name,
    scope: 'user',
    file: '/dev/null',
    entry: { type: 'stdio', command: process.execPath, args: [script, ...args], env: {}, ...extra } as ServerEntry,
  };
}

export interface Running {
  gateway: Gateway;
  http: GatewayHttpServer;
  url: string;
  token: string | undefined;
  hub: ReturnType<typeof createHub>;
  close(): Promise<void>;
}

export interface StartOptions {
  token?: string;
  maxBodyBytes?: number;
  /** Extra hub options (a log directory of the test's own, ...). */
  hub?: Partial<HubOptions>;
  /** Extra gateway options (session idle limits, ...). */
  gateway?: Partial<Omit<GatewayOptions, 'hub'>>;
  /** false: the gateway serves before the hub starts its servers; the test calls hub.start(). */
  startHub?: boolean;
  /** Extra Host values the gateway accepts (a relay in front of it on another port). */
  allowedHosts?: string[];
  /** Per-client tokens (src/auth/client-store.ts). */
  clients?: ClientResolver;
  /** The model proxy's listener, mounted under /v1/ as `patchbay up` does. */
  proxy?: GatewayServeOptions['proxy'];
}

type GatewayServeOptions = Parameters<Gateway['serveHttp']>[0];

export async function startGateway(servers: ScopedServer[], options: StartOptions = {}): Promise<Running> {
  const hub = createHub({ servers, ping: { intervalMs: 0 }, ...options.hub });
  if (options.startHub !== false) await hub.start();
  const gateway = createGateway({ hub, maxBodyBytes: options.maxBodyBytes, ...options.gateway });
  const http = await gateway.serveHttp({ host: '127.0.0.1', port: 0, token: options.token, clients: options.clients, allowedHosts: options.allowedHosts, ...(options.proxy ? { proxy: options.proxy } : {}) });
  return {
    gateway,
    http,
    url: http.url,
    token: options.token,
    hub,
    async close() {
      await gateway.close();
      await hub.stop();
    },
  };
}
