/**
 * Runs the proxy on its own port (`patchbay proxy`, `patchbay claude`). Binds 127.0.0.1 unless
 * told otherwise: the key is the only thing between the network and the user's provider bills.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PatchbayError } from '../../errors.js';
import { createProxyServer, type ProxyServerOptions } from './index.js';

export interface RunningProxy {
  url: string;
  port: number;
  host: string;
  server: Server;
  close(): Promise<void>;
}

export interface StartProxyOptions extends ProxyServerOptions {
  port: number;
  host: string;
}

export async function startProxy(options: StartProxyOptions): Promise<RunningProxy> {
  const proxy = createProxyServer(options);
  await proxy.ready;
  const server = createServer({ keepAliveTimeout: 65_000 }, proxy.listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new PatchbayError('USAGE', `port ${options.port} on ${options.host} is already in use`, {
          hint: 'Stop what is listening there, or pick another port with --port or PATCHBAY_PROXY_PORT.',
        }));
      } else if (error.code === 'EACCES') {
        reject(new PatchbayError('USAGE', `not allowed to listen on ${options.host}:${options.port}`, { hint: 'Use a port above 1024.' }));
      } else reject(error);
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    host: address.address,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await proxy.close();
    },
  };
}
