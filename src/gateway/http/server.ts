/**
 * The gateway's HTTP server: `/mcp` for MCP clients, `/v1/*` for the model proxy when one is
 * mounted (same port, same token), `/healthz` for scripts. Binds 127.0.0.1 unless told
 * otherwise; refuses to run without a token anywhere but loopback.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PatchbayError } from '../../errors.js';
import { errorResponse, TRANSPORT_ERROR } from '../jsonrpc.js';
import { allowOrigin, answerPreflight, corsOrigin, preflightFailure } from './cors.js';
import type { ClientResolver } from '../../auth/client-store.js';
import { createGuard, isLoopbackAddress, type Guard, type GuardFailure } from './guard.js';
import type { McpHandler } from './mcp-handler.js';

export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface HttpServerOptions {
  host: string;
  port: number;
  /** undefined: no authentication (only allowed on loopback). */
  token: string | undefined;
  /** Per-client tokens; every MCP request is served as the client its credential names. */
  clients?: ClientResolver;
  allowedHosts?: string[];
  mcp: McpHandler;
  /** The model proxy's node listener, mounted under /v1/. */
  proxy?: NodeListener;
}

export interface GatewayHttpServer {
  readonly server: Server;
  readonly port: number;
  readonly host: string;
  /** The MCP endpoint URL, e.g. http://127.0.0.1:8765/mcp */
  readonly url: string;
  close(): Promise<void>;
}

function sendFailure(res: ServerResponse, failure: GuardFailure): void {
  const body = errorResponse(null, TRANSPORT_ERROR, failure.message);
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  if (failure.status === 401) headers['www-authenticate'] = 'Bearer realm="patchbay"';
  res.writeHead(failure.status, headers).end(body);
}

export async function startHttpServer(options: HttpServerOptions): Promise<GatewayHttpServer> {
  if (options.token === undefined && !isLoopbackAddress(options.host)) {
    throw new PatchbayError('USAGE', `Refusing to serve without a token on ${options.host}: --no-auth is only allowed on a loopback address`, {
      hint: 'Drop --no-auth (clients then send the token from `patchbay token`), or bind 127.0.0.1.',
    });
  }
  let guard: Guard | undefined;
  const { mcp, proxy } = options;

  const server = createServer({ keepAliveTimeout: 65_000 }, function routeRequest(req, res) {
    const url = req.url ?? '/';
    if (url === '/mcp' || url.startsWith('/mcp?') || url.startsWith('/mcp/')) {
      const headers = req.headers as Parameters<Guard['check']>[0];
      if (req.method === 'OPTIONS') {
        const refused = preflightFailure(req, guard!);
        if (refused) sendFailure(res, refused);
        else answerPreflight(res, corsOrigin(req));
        return;
      }
      const admitted = guard!.admit(headers);
      // The page may read a 401 too (to ask for the token), never a 403.
      if (headers.origin !== undefined && !('status' in admitted && admitted.status === 403)) {
        const origin = corsOrigin(req);
        if (origin !== undefined) allowOrigin(res, origin);
      }
      if ('status' in admitted) {
        sendFailure(res, admitted);
        return;
      }
      mcp.handle(req, res, admitted.client);
      return;
    }
    if (proxy && url.startsWith('/v1/')) {
      proxy(req, res);
      return;
    }
    if (url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: the MCP endpoint is /mcp\n');
  });
  // A listen stream or GET stream may stay open for hours; only idle keep-alive sockets time out.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new PatchbayError('USAGE', `Port ${options.port} on ${options.host} is already in use`, { hint: 'Stop the other process, or start with --port N (or PATCHBAY_PORT=N); --port 0 picks a free port.', cause: error })
          : new PatchbayError('USAGE', `Cannot listen on ${options.host}:${options.port}: ${error.message}`, { cause: error }),
      );
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  guard = createGuard({ port, token: options.token, clients: options.clients, allowedHosts: options.allowedHosts });
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;

  return {
    server,
    port,
    host: options.host,
    url: `http://${shownHost}:${port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
