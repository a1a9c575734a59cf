/**
 * Turns a started SDK Transport into an UpstreamConnection: the official SDK v2 `Client` does
 * the handshake (initialize for 2025-11-25 and older; server/discover for 2026-07-28 when
 * negotiation is 'auto') and the JSON-RPC bookkeeping (ids, timeouts, progress tokens,
 * cancellation). Everything above it is method + params passthrough: the hub forwards what it
 * does not understand, so nothing here is limited to the methods this SDK version knows.
 */
import { Client, ProtocolError, type Transport } from '@modelcontextprotocol/client';
import { z } from 'zod';
import type {
  ConnectOptions,
  RequestOptions,
  UpstreamConnection,
  UpstreamExit,
  UpstreamTransportKind,
} from './connection.js';

/** What a transport knows about how it is doing, independent of the protocol on top. */
export interface UpstreamLink {
  kind: UpstreamTransportKind;
  transport: Transport;
  pid(): number | undefined;
  facts(): UpstreamExit;
  /** Resolves when the link is fully down (stdio: the child has exited). */
  closed(): Promise<void>;
  /** Polite goodbye before closing (Streamable HTTP: DELETE the session). */
  beforeClose?(): Promise<void>;
}

/** Results are passed through as the server sent them; the hub and its clients validate. */
const anyResult = z.record(z.string(), z.unknown());

const CLIENT_INFO = { name: 'patchbay', version: '0.1.0' };

export async function openSession(name: string, link: UpstreamLink, options: ConnectOptions): Promise<UpstreamConnection> {
  const client = new Client(CLIENT_INFO, {
    capabilities: (options.clientCapabilities ?? {}) as never,
    // stdio and legacy SSE default to the initialize handshake: probing server/discover in place
    // on a 2025-era stdio server can cost a whole timeout if it ignores unknown requests.
    versionNegotiation: { mode: options.negotiation ?? (link.kind === 'http' ? 'auto' : 'legacy') },
  });

  let closeReported = false;
  let closing = false;
  const connection: UpstreamConnection & { closing: boolean } = {
    name,
    transport: link.kind,
    get serverInfo() {
      const info = client.getServerVersion();
      return info ? { name: info.name, version: info.version } : undefined;
    },
    get protocolVersion() {
      return client.getNegotiatedProtocolVersion();
    },
    get capabilities() {
      return (client.getServerCapabilities() ?? {}) as Record<string, unknown>;
    },
    get pid() {
      return link.pid();
    },
    get closing() {
      return closing;
    },
    async request(method: string, params?: unknown, requestOptions: RequestOptions = {}) {
      return client.request({ method, params: params as Record<string, unknown> | undefined }, anyResult, {
        signal: requestOptions.signal,
        timeout: requestOptions.timeoutMs ?? options.requestTimeoutMs,
        ...(requestOptions.onProgress
          ? {
              onprogress: (progress: Record<string, unknown>) => requestOptions.onProgress?.(progress),
              resetTimeoutOnProgress: true,
            }
          : {}),
      });
    },
    async notify(method: string, params?: unknown) {
      await client.notification({ method, params: params as Record<string, unknown> | undefined });
    },
    diagnostics() {
      return link.facts();
    },
    async close() {
      closing = true;
      await link.beforeClose?.().catch(() => undefined);
      await client.close().catch(() => undefined);
      await link.transport.close().catch(() => undefined);
      await link.closed();
    },
  };

  client.fallbackNotificationHandler = async (notification) => {
    connection.onNotification?.(notification.method, notification.params);
  };
  client.fallbackRequestHandler = async (request, ctx) => {
    const handler = connection.onRequest;
    if (!handler) throw new ProtocolError(-32601, `Method not found: ${request.method}`);
    try {
      return (await handler(request.method, request.params, ctx.mcpReq.signal)) as Record<string, unknown>;
    } catch (error) {
      // A JSON-RPC error from further down (the hub's HubRpcError, a client's error) keeps its code.
      const e = error as { code?: unknown; message?: string; data?: unknown };
      if (typeof e?.code === 'number') throw new ProtocolError(e.code, e.message ?? 'Error', e.data);
      throw error;
    }
  };
  client.onerror = (error) => options.log?.('debug', `protocol: ${error.message}`);
  client.onclose = () => {
    if (closeReported) return;
    closeReported = true;
    // Report after the link is fully down, so the exit code and last stderr lines are in.
    void link.closed().then(() => {
      options.log?.('info', closing ? 'connection closed' : 'connection lost');
      connection.onClose?.(link.facts());
    });
  };

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('connect timeout')), options.timeoutMs);
  try {
    await client.connect(link.transport, { timeout: options.timeoutMs, signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
  options.log?.('info', `connected: ${connection.serverInfo?.name ?? '?'} ${connection.serverInfo?.version ?? ''}, protocol ${connection.protocolVersion}`);
  return connection;
}
