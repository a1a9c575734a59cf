/**
 * Runs inside a sandbox that has a network allow list, as the parent of the server:
 *
 *   node relay.js <config, base64 JSON> <command> [args...]
 *
 * The sandbox's network namespace has only loopback, so the relay listens on 127.0.0.1:<port>
 * there (HTTP_PROXY points at it) and pipes every connection to the egress proxy's unix socket,
 * which is bound in from the host. Allowed loopback ports (`127.0.0.1:8080` in the list) are
 * also listened on at their own address and port and tunnelled with CONNECT, so a server that
 * knows nothing of proxies reaches the host's local service where it expects it.
 *
 * Then it starts the server with the same stdio and waits. It ignores SIGTERM, SIGINT and
 * SIGHUP: the hub signals the whole process group, so the server gets them itself, and the
 * relay leaving first would end the sandbox under a server still shutting down.
 * Node built-ins only: this starts on every launch.
 */
import { spawn } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';

interface RelayConfig {
  /** The egress proxy's socket inside the sandbox. */
  socket: string;
  /** Where the HTTP proxy listens inside (127.0.0.1). */
  port: number;
  /** Loopback ports forwarded as themselves: listened on at host:port, tunnelled to connect:port. */
  forwards: { host: string; connect: string; port: number }[];
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

function pipeToProxy(socketPath: string, client: Socket): void {
  const upstream = connect(socketPath);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
  client.pipe(upstream);
  upstream.pipe(client);
}

function tunnel(socketPath: string, target: RelayConfig['forwards'][number], client: Socket): void {
  const upstream = connect(socketPath);
  const authority = target.connect.includes(':') ? `[${target.connect}]:${target.port}` : `${target.connect}:${target.port}`;
  client.pause();
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
  upstream.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end === -1) return;
    upstream.off('data', onData);
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, end).toString('latin1'))?.[1];
    if (status !== '200') {
      // The refusal's reason is in the proxy's log (the server's log); the client sees a reset.
      client.destroy();
      upstream.destroy();
      return;
    }
    const rest = head.subarray(end + 4);
    if (rest.length > 0) client.write(rest);
    upstream.pipe(client);
    client.pipe(upstream);
    client.resume();
  };
  upstream.on('data', onData);
}

async function main(): Promise<void> {
  const [encoded, command, ...args] = process.argv.slice(2);
  if (!encoded || !command) {
    process.stderr.write('patchbay sandbox relay: usage: relay.js <config> <command> [args...]\n');
    process.exit(2);
  }
  const config = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as RelayConfig;
  const proxy = createServer((client) => pipeToProxy(config.socket, client));
  await listen(proxy, '127.0.0.1', config.port);
  for (const target of config.forwards) {
    const server = createServer((client) => tunnel(config.socket, target, client));
    // Ports below 1024 need a capability the sandbox drops: those stay reachable through the proxy only.
    await listen(server, target.host, target.port).catch((error: Error) => {
      process.stderr.write(`patchbay sandbox: ${target.host}:${target.port} is reachable through HTTP_PROXY only (${error.message})\n`);
    });
  }
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => undefined);
  const child = spawn(command, args, { stdio: 'inherit' });
  child.once('error', (error) => {
    process.stderr.write(`patchbay sandbox: cannot start ${command}: ${error.message}\n`);
    process.exit(127);
  });
  child.once('exit', (code, signal) => {
    if (signal) {
      for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.removeAllListeners(s);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`patchbay sandbox relay: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
