/**
 * The only way out of a sandbox with a network allow list: an HTTP proxy on the host side of a
 * unix socket that is bound into the sandbox (whose own network namespace has nothing but
 * loopback). It speaks the two forms clients use with HTTP_PROXY/HTTPS_PROXY:
 *   CONNECT host:port            a tunnel, for https and anything else (RFC 9110 §9.3.6)
 *   GET http://host/path ...     plain http in absolute form (RFC 9112 §3.2.2)
 * Each request's host[:port] is checked against the allow list, then its address (a listed name
 * must not lead to loopback or link-local addresses, see host-rules.ts), and only then dialled.
 * Everything else gets 403 with the reason, and the reason goes to the server's log.
 */
import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { checkAddress, describeRules, matchHostRule, normalizeHost, type HostRule } from './host-rules.js';

export interface EgressProxyOptions {
  rules: readonly HostRule[];
  /** Unix socket path (Linux) or omitted for TCP on 127.0.0.1 with a free port (macOS). */
  socketPath?: string;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}

export interface EgressProxy {
  /** The socket path, or `127.0.0.1:<port>` when listening on TCP. */
  readonly address: string;
  readonly port: number | undefined;
  close(): Promise<void>;
}

/** Headers that belong to one hop and must not be forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** The addresses a name was checked against, handed to connect() so it dials only those. */
type Decision = { ok: true; addresses: LookupAddress[] } | { ok: false; status: number; reason: string };

export async function createEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const { rules, log } = options;
  const sockets = new Set<Socket | Duplex>();
  const refuse = (what: string, reason: string) => log?.('warn', `sandbox egress refused ${what}: ${reason}`);

  async function decide(host: string, port: number): Promise<Decision> {
    const name = normalizeHost(host);
    const rule = matchHostRule(rules, name, port);
    if (!rule) return { ok: false, status: 403, reason: `${name}:${port} is not in the allow list (${describeRules(rules)})` };
    let addresses: LookupAddress[] = [{ address: name, family: isIP(name) }];
    if (isIP(name) === 0) {
      try {
        addresses = await lookup(name, { all: true });
      } catch (error) {
        return { ok: false, status: 502, reason: `${name} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
      }
    }
    // Every address must pass: a name with one public and one loopback address is refused.
    for (const { address } of addresses) {
      const problem = checkAddress(rule, name, address);
      if (problem) return { ok: false, status: 403, reason: problem };
    }
    return { ok: true, addresses };
  }

  /** A dns.lookup replacement that answers with the checked addresses only (no second resolution to race). */
  function vetted(addresses: LookupAddress[]) {
    return (_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
      if (options?.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    };
  }

  const server = createServer((req, res) => void forward(req, res));
  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => void tunnel(req, client, head));
  server.on('upgrade', (_req: IncomingMessage, client: Duplex) => {
    client.end('HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nUpgrades through the sandbox proxy are not supported; use CONNECT (wss://).\n');
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  async function tunnel(req: IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
    client.on('error', () => undefined);
    const target = parseAuthority(req.url ?? '');
    if (!target) {
      client.end(reply(400, `CONNECT needs host:port, got "${req.url}"`));
      return;
    }
    const what = `CONNECT ${target.host}:${target.port}`;
    const decision = await decide(target.host, target.port);
    if (!decision.ok) {
      refuse(what, decision.reason);
      client.end(reply(decision.status, decision.reason));
      return;
    }
    const upstream = connect({ host: target.host, port: target.port, lookup: vetted(decision.addresses) as never });
    let established = false;
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    upstream.once('connect', () => {
      established = true;
      log?.('debug', `sandbox egress: ${what}`);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (established) return void client.destroy();
      log?.('info', `sandbox egress: ${what} failed: ${error.code ?? error.message}`);
      client.end(reply(502, `${target.host}:${target.port}: ${error.code ?? error.message}`));
    });
    client.once('close', () => upstream.destroy());
  }

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('This is the sandbox egress proxy: send absolute-form requests (http://host/path) or CONNECT.\n');
      return;
    }
    if (url.protocol !== 'http:') {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`Only http:// goes in plain form; use CONNECT for ${url.protocol}//\n`);
      return;
    }
    const port = url.port ? Number(url.port) : 80;
    const what = `${req.method} http://${url.host}${url.pathname}`;
    const decision = await decide(url.hostname, port);
    if (!decision.ok) {
      refuse(what, decision.reason);
      res.writeHead(decision.status, { 'content-type': 'text/plain', 'x-patchbay-sandbox': 'refused' }).end(`Refused by the Patchbay sandbox: ${decision.reason}\n`);
      return;
    }
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    headers.host = url.host;
    const upstream = httpRequest({ host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, lookup: vetted(decision.addresses) as never, method: req.method, path: `${url.pathname}${url.search}`, headers, setHost: false }, (answer) => {
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, out);
      answer.pipe(res);
    });
    log?.('debug', `sandbox egress: ${what}`);
    upstream.once('error', (error: NodeJS.ErrnoException) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`${url.host}: ${error.code ?? error.message}\n`);
      else res.destroy();
    });
    req.pipe(upstream);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (options.socketPath) server.listen(options.socketPath, resolve);
    else server.listen(0, '127.0.0.1', resolve);
  });
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : undefined;
  return {
    address: options.socketPath ?? `127.0.0.1:${port}`,
    port,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function reply(status: number, reason: string): string {
  const text = status === 403 ? 'Forbidden' : status === 400 ? 'Bad Request' : 'Bad Gateway';
  const body = `Refused by the Patchbay sandbox: ${reason}\n`;
  return `HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Patchbay-Sandbox: refused\r\nConnection: close\r\n\r\n${body}`;
}

/** `host:port` or `[v6]:port` of a CONNECT request. */
export function parseAuthority(authority: string): { host: string; port: number } | undefined {
  const match = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(authority);
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: normalizeHost(match[1]!), port };
}
