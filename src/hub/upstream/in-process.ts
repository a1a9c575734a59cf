/**
 * An upstream MCP server that lives in the hub's own process (Patchbay's model-using built-in
 * servers, src/servers/in-process.ts), reached over the SDK's linked in-memory transports and
 * driven by the same session code as a child (session.ts): the hub cannot tell it from one,
 * except that there is no process to spawn, sandbox, ping to death or kill.
 *
 * Every request carries the calling downstream client (RequestOptions.client). It travels in
 * the request's `_meta` under CALLER_META as far as the hub's end of the transport pair, which
 * takes it out and hands it over as the message's auth info: the server reads it as
 * `ctx.http.authInfo.clientId`, and a client cannot forge it, since whatever it put under that
 * key is replaced on the way (withCaller).
 */
import { InMemoryTransport, type JSONRPCMessage } from '@modelcontextprotocol/client';
import type { InProcessServer } from '../../servers/in-process.js';
import { UpstreamConnectError, type ConnectOptions, type UpstreamConnection, type UpstreamExit } from './connection.js';
import { openSession, type UpstreamLink } from './session.js';

export const CALLER_META = 'dev.patchbay/client';

export async function connectInProcess(name: string, start: () => Promise<InProcessServer>, options: ConnectOptions): Promise<UpstreamConnection> {
  let running: InProcessServer;
  try {
    running = await start();
  } catch (error) {
    // Bad flags or no proxy: the same entry would fail the same way again.
    const e = error instanceof Error ? error : new Error(String(error));
    const exit: UpstreamExit = { stderrTail: [], nonJsonLines: [], error: Object.assign(new Error(e.message), { code: 'IN_PROCESS_START', hint: (e as { hint?: string }).hint }) };
    throw new UpstreamConnectError(`${name}: ${e.message}`, exit);
  }
  const [hubSide, serverSide] = InMemoryTransport.createLinkedPair();
  handCallerOver(hubSide);
  await running.server.connect(serverSide);
  options.log?.('info', 'running in the hub\'s process');

  let released: Promise<void> | undefined;
  const release = () => (released ??= running.close().catch((error: unknown) => options.log?.('warn', `closing: ${(error as Error).message}`)));
  const link: UpstreamLink = {
    kind: 'in-process',
    transport: hubSide,
    pid: () => undefined,
    facts: () => ({ stderrTail: [], nonJsonLines: [] }),
    closed: release,
  };
  let connection: UpstreamConnection;
  try {
    connection = await openSession(name, link, options);
  } catch (error) {
    await hubSide.close().catch(() => undefined);
    await release();
    throw new UpstreamConnectError(`${name}: ${(error as Error).message}`, { stderrTail: [], nonJsonLines: [], error: error as Error });
  }
  const request = connection.request.bind(connection);
  connection.request = (method, params, requestOptions) => request(method, withCaller(params, requestOptions?.client), requestOptions);
  return connection;
}

/** The params with CALLER_META set to the hub's idea of the caller (and nothing a client put there). */
export function withCaller(params: unknown, client: string | undefined): unknown {
  if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) return params;
  const p = { ...(params as Record<string, unknown> | undefined) };
  const meta = { ...(p._meta as Record<string, unknown> | undefined) };
  delete meta[CALLER_META];
  if (client !== undefined) meta[CALLER_META] = client;
  if (Object.keys(meta).length > 0) p._meta = meta;
  else delete p._meta;
  return p;
}

/** Takes the caller out of each outgoing request's `_meta` and sends it as the message's auth info. */
function handCallerOver(transport: InMemoryTransport): void {
  const send = transport.send.bind(transport);
  transport.send = (message: JSONRPCMessage, sendOptions) => {
    const m = message as { params?: { _meta?: Record<string, unknown> } };
    const meta = m.params?._meta;
    if (!meta || !(CALLER_META in meta)) return send(message, sendOptions);
    const { [CALLER_META]: client, ...rest } = meta;
    const params: Record<string, unknown> = { ...m.params };
    if (Object.keys(rest).length > 0) params._meta = rest;
    else delete params._meta;
    return send({ ...message, params } as JSONRPCMessage, { ...sendOptions, authInfo: { token: '', clientId: String(client), scopes: [] } });
  };
}
