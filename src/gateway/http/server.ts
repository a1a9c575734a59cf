/**
 * The gateway's HTTP server: `/mcp` for MCP clients, `/v1/*` for the model proxy when one is
 * mounted (same port, same token), `/healthz` for scripts — every one behind the same guard
 * (guard.ts). Binds 127.0.0.1 unless told otherwise; refuses to run without a token anywhere
 * but loopback.
 */
import type { ClientResolver } from '../../auth/client-store.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PatchbayError } from '../../errors.js';
import { errorResponse, TRANSPORT_ERROR } from '../jsonrpc.js';
import { allowOrigin, answerPreflight, corsOrigin, preflightFailure } from './cors.js';
import { createGuard, isLoopbackAddress, type Guard, type GuardFailure, type GuardHeaders } from './guard.js';
import type { McpHandler } from './mcp-handler.js';

export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface HttpServerOptions {
  host: string;
  port: number;
  /** undefined: no authentication (only allowed on loopback). */
  token: string | undefined;
  /** Per-client tokens; a request with one is served as that client. */
  clients?: ClientResolver;
  allowedHosts?: string[];
  mcp: McpHandler;
  /** The model proxy's node listener, mounted under /v1/. */
  proxy?: NodeListener;
  /** The dashboard (src/web/api/), mounted under /ui/; it checks its own session cookie. */
  ui?: NodeListener;
}

export interface GatewayHttpServer {
  readonly server: Server;
  readonly port: number;
  readonly host: string;
  /** The MCP endpoint URL, e.g. http://127.0.0.1:8765/mcp */
  readonly url: string;
  close(): Promise<void>;
}

/** A refusal as an MCP client reads it: a JSON-RPC error. */
function sendFailure(res: ServerResponse, failure: GuardFailure): void {
  writeFailure(res, failure, errorResponse(null, TRANSPORT_ERROR, failure.message));
}

/** A refusal as an Anthropic API client reads it (https://docs.anthropic.com/en/api/errors). */
function sendApiFailure(res: ServerResponse, failure: GuardFailure): void {
  const type = failure.status === 401 ? 'authentication_error' : failure.status === 403 ? 'permission_error' : 'invalid_request_error';
  writeFailure(res, failure, JSON.stringify({ type: 'error', error: { type, message: failure.message } }));
}

/** A refusal as the dashboard's page reads it. */
function sendUiFailure(res: ServerResponse, failure: GuardFailure): void {
  writeFailure(res, failure, JSON.stringify({ error: failure.message }));
}

function writeFailure(res: ServerResponse, failure: GuardFailure, body: string): void {
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  if (failure.status === 401) headers['www-authenticate'] = 'Bearer realm="patchbay"';
  res.writeHead(failure.status, headers).end(body);
}

/**
 * One thing the port serves. Every request passes the guard's `screen` (Host, Origin, body
 * type) whatever its path, before a route is even chosen; `auth` adds the token. A route added
 * later (a dashboard under /ui/) is one more entry here and gets the same checks.
 */
interface Route {
  matches(url: string): boolean;
  /** Needs the token (when authentication is on). */
  auth: boolean;
  /** Loopback pages may read its responses (CORS); its preflights are answered here. */
  cors: boolean;
  /** How a refusal reads to this route's clients. */
  refuse(res: ServerResponse, failure: GuardFailure): void;
  /** `client`: who the credential names (`default` on routes without auth). */
  handle(req: IncomingMessage, res: ServerResponse, client: string): void;
}

export async function startHttpServer(options: HttpServerOptions): Promise<GatewayHttpServer> {
  if (options.token === undefined && !isLoopbackAddress(options.host)) {
    throw new PatchbayError('USAGE', `Refusing to serve without a token on ${options.host}: --no-auth is only allowed on a loopback address`, {
      hint: 'Drop --no-auth (clients then send the token from `patchbay token`), or bind 127.0.0.1.',
    });
  }
  let guard: Guard | undefined;
  const { mcp, proxy, ui } = options;
  const routes: Route[] = [
    {
      matches: (url) => url === '/mcp' || url.startsWith('/mcp?') || url.startsWith('/mcp/'),
      auth: true,
      cors: true,
      refuse: sendFailure,
      handle: (req, res, client) => mcp.handle(req, res, client),
    },
    ...(proxy ? [{ matches: (url: string) => url.startsWith('/v1/'), auth: true, cors: false, refuse: sendApiFailure, handle: proxy }] : []),
    ...(ui ? [{ matches: (url: string) => url === '/ui' || url.startsWith('/ui/') || url.startsWith('/ui?'), auth: false, cors: false, refuse: sendUiFailure, handle: ui }] : []),
    {
      matches: (url) => url === '/healthz',
      auth: false,
      cors: false,
      refuse: sendFailure,
      handle: (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
    },
  ];

  const server = createServer({ keepAliveTimeout: 65_000 }, function routeRequest(req, res) {
    const url = req.url ?? '/';
    const route = routes.find((r) => r.matches(url));
    const refuse = route?.refuse ?? sendFailure;
    const headers = req.headers as GuardHeaders;
    if (req.method === 'OPTIONS' && route?.cors) {
      const refused = preflightFailure(req, guard!);
      if (refused) refuse(res, refused);
      else answerPreflight(res, corsOrigin(req));
      return;
    }
    const admitted = guard!.screen(req.method, headers) ?? (route?.auth ? guard!.authenticate(headers) : { client: 'default' });
    const failure = 'status' in admitted ? admitted : undefined;
    // The page may read a 401 or 415 too (to ask for the token, to fix its request), never a 403.
    if (route?.cors && headers.origin !== undefined && failure?.status !== 403) {
      const origin = corsOrigin(req);
      if (origin !== undefined) allowOrigin(res, origin);
    }
    if (failure) {
      refuse(res, failure);
      return;
    }
    if (route) {
      route.handle(req, res, (admitted as { client: string }).client);
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
