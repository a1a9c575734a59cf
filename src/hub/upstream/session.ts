/**
 * Turns a started SDK Transport into an UpstreamConnection: the official SDK v2 `Client` does
 * the handshake (initialize for 2025-11-25 and older; server/discover for 2026-07-28 when
 * negotiation is 'auto') and the JSON-RPC bookkeeping (ids, timeouts, progress tokens,
 * cancellation). Everything above it is method + params passthrough: the hub forwards what it
 * does not understand, so nothing here is limited to the methods this SDK version knows.
 */
import { Client, ProtocolError, type JSONRPCMessage, type Transport } from '@modelcontextprotocol/client';
import { z } from 'zod';
import { installLenientReading } from './lenient.js';
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
    versionNegotiation: { mode: negotiationMode(options.negotiation, link.kind) },
  });
  const isModern = () => String(client.getNegotiatedProtocolVersion() ?? '').startsWith('2026');
  // Before connect: the SDK Client's decoder must only ever see repaired results (lenient.ts).
  installLenientReading(link.transport, { isModern, warn: (message) => options.log?.('warn', message) });

  let closeReported = false;
  let closing = false;
  let raw: RawChannel | undefined;
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
      if (raw && RAW_METHODS.has(method)) return raw.request(method, params, requestOptions, options.requestTimeoutMs);
      let signal = requestOptions.signal;
      if (requestOptions.bindCancel) {
        const controller = new AbortController();
        requestOptions.bindCancel((reason) => controller.abort(reason));
        signal = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
      }
      let outMethod = method;
      let outParams = params as Record<string, unknown> | undefined;
      const modern = isModern();
      if (modern) {
        // 2026-07-28 removed ping (SEP-2575): server/discover is the cheapest request that shows
        // the server is alive, and the health check only needs an answer.
        if (method === 'ping') outMethod = 'server/discover';
        if (requestOptions.envelope) outParams = withEnvelope(outParams, requestOptions.envelope);
      }
      const result = await client.request({ method: outMethod, params: outParams }, anyResult, {
        signal,
        timeout: requestOptions.timeoutMs ?? options.requestTimeoutMs,
        // SEP-2322: an input_required answer comes back to the hub, which relays it to the
        // client that made the call; the SDK must not fulfil it with handlers of its own.
        ...(modern && INPUT_METHODS.has(method) ? { allowInputRequired: true } : {}),
        ...(requestOptions.onProgress
          ? {
              onprogress: (progress: Record<string, unknown>) => requestOptions.onProgress?.(progress),
              resetTimeoutOnProgress: true,
            }
          : {}),
      });
      return outMethod === method ? result : {};
    },
    async listen(filter, onEnd) {
      const subscription = await client.listen(filter as never);
      void subscription.closed.then((how) => onEnd?.(how));
      return { honored: subscription.honoredFilter as Record<string, unknown>, close: () => subscription.close() };
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
  // stdio in the 2025 era: passthrough requests skip the SDK's per-call validation (see RawChannel).
  if (link.kind === 'stdio' && !String(client.getNegotiatedProtocolVersion() ?? '').startsWith('2026')) {
    raw = createRawChannel(link.transport);
  }
  options.log?.('info', `connected: ${connection.serverInfo?.name ?? '?'} ${connection.serverInfo?.version ?? ''}, protocol ${connection.protocolVersion}`);
  return connection;
}

/** The methods whose 2026-07-28 answer may be input_required (SEP-2322). */
const INPUT_METHODS = new Set(['tools/call', 'prompts/get', 'resources/read']);

function negotiationMode(choice: ConnectOptions['negotiation'], kind: UpstreamTransportKind): 'auto' | 'legacy' | { pin: string } {
  if (choice === '2026-07-28') return { pin: '2026-07-28' };
  if (choice === '2025-11-25' || choice === 'legacy') return 'legacy';
  if (choice === 'auto') return 'auto';
  return kind === 'http' ? 'auto' : 'legacy';
}

/**
 * The calling client's side of the 2026-07-28 envelope, laid over the SDK Client's own (its
 * user-supplied _meta keys win): the upstream then checks the capabilities of the client that
 * is really asking (and answers -32021 for one that lacks them), and logs only at the level
 * that client asked for (SEP-2575).
 */
function withEnvelope(params: Record<string, unknown> | undefined, envelope: NonNullable<RequestOptions['envelope']>): Record<string, unknown> {
  const meta: Record<string, unknown> = { ...(params?._meta as Record<string, unknown> | undefined) };
  if (envelope.clientCapabilities) meta['io.modelcontextprotocol/clientCapabilities'] = envelope.clientCapabilities;
  if (envelope.logLevel) meta['io.modelcontextprotocol/logLevel'] = envelope.logLevel;
  return { ...params, _meta: meta };
}

/** Standard 2025-era requests forwarded as they are; anything else goes through the SDK Client. */
const RAW_METHODS = new Set([
  'tools/call',
  'tools/list',
  'resources/read',
  'resources/list',
  'resources/templates/list',
  'resources/subscribe',
  'resources/unsubscribe',
  'prompts/get',
  'prompts/list',
  'completion/complete',
  'logging/setLevel',
  'ping',
]);

interface RawPending {
  resolve(result: unknown): void;
  reject(error: unknown): void;
  onProgress?: (params: Record<string, unknown>) => void;
  timer?: ReturnType<typeof setTimeout>;
  timeoutMs: number;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface RawChannel {
  request(method: string, params: unknown, options: RequestOptions, defaultTimeoutMs: number | undefined): Promise<unknown>;
}

/**
 * Passthrough requests on a connected stdio transport, beside the SDK Client that did the
 * handshake: our own ids (strings, so they never meet the Client's numeric ones), one
 * JSON.stringify per message in the transport, the result handed back as the server sent it
 * (an object, as the Client's result schema required). Progress, cancellation
 * (notifications/cancelled), the backstop timeout and a lost connection behave as the Client's
 * request path does. Messages that are not ours go on to the Client, in arrival order.
 */
function createRawChannel(transport: Transport): RawChannel {
  const pending = new Map<string, RawPending>();
  let nextId = 0;
  const sdkOnMessage = transport.onmessage;
  const sdkOnClose = transport.onclose;

  function finish(id: string, entry: RawPending): void {
    pending.delete(id);
    if (entry.timer) clearTimeout(entry.timer);
    if (entry.onAbort) entry.signal!.removeEventListener('abort', entry.onAbort);
  }

  transport.onmessage = (message, extra) => {
    const m = message as { id?: unknown; method?: unknown; params?: Record<string, unknown>; result?: unknown; error?: { code: number; message: string; data?: unknown } };
    if (typeof m.id === 'string' && m.method === undefined) {
      const entry = pending.get(m.id);
      if (entry) {
        finish(m.id, entry);
        if (m.error !== undefined) entry.reject(new ProtocolError(m.error.code, m.error.message, m.error.data));
        else if (m.result === null || typeof m.result !== 'object' || Array.isArray(m.result)) entry.reject(new Error('Invalid result: not an object'));
        else entry.resolve(m.result);
        return;
      }
    } else if (m.method === 'notifications/progress' && typeof m.params?.progressToken === 'string') {
      const entry = pending.get(m.params.progressToken);
      if (entry?.onProgress) {
        const { progressToken: _token, ...progress } = m.params;
        if (entry.timer) entry.timer.refresh();
        entry.onProgress(progress);
        return;
      }
    }
    sdkOnMessage?.(message, extra);
  };
  transport.onclose = () => {
    for (const [id, entry] of [...pending]) {
      finish(id, entry);
      entry.reject(new Error('Connection closed'));
    }
    sdkOnClose?.();
  };

  return {
    request(method, params, options, defaultTimeoutMs) {
      const signal = options.signal;
      if (signal?.aborted) return Promise.reject(signal.reason);
      const id = `pb-${nextId++}`;
      let outParams = params as Record<string, unknown> | undefined;
      if (options.onProgress) outParams = { ...outParams, _meta: { ...(outParams?._meta as Record<string, unknown> | undefined), progressToken: id } };
      return new Promise<unknown>((resolve, reject) => {
        const entry: RawPending = { resolve, reject, onProgress: options.onProgress, timeoutMs: options.timeoutMs ?? defaultTimeoutMs ?? 60_000 };
        const cancel = (reason: unknown) => {
          if (!pending.has(id)) return;
          finish(id, entry);
          transport
            .send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: String(reason) } })
            .catch(() => undefined);
          reject(reason instanceof Error ? reason : new Error(String(reason)));
        };
        if (!options.bindCancel) entry.timer = setTimeout(() => cancel(new ProtocolError(-32001, 'Request timed out', { timeout: entry.timeoutMs })), entry.timeoutMs);
        if (signal) {
          entry.signal = signal;
          entry.onAbort = () => cancel(signal.reason);
          signal.addEventListener('abort', entry.onAbort, { once: true });
        }
        pending.set(id, entry);
        options.bindCancel?.(cancel);
        const message = (outParams === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params: outParams }) as JSONRPCMessage;
        transport.send(message).catch((error: unknown) => {
          if (!pending.has(id)) return;
          finish(id, entry);
          reject(error);
        });
      });
    },
  };
}
