/**
 * Serves one downstream client message against the hub, the same way for every transport (HTTP
 * in either era, stdio). The transport parses the body, picks the session and hands over a Link:
 * where messages related to this one request go. Everything else (routing, namespacing, policy)
 * is the hub's job; the dispatcher only speaks the client's side of the protocol.
 */
import type { DownstreamContext, Hub, OutOfBandClient } from '../hub/types.js';
import { HubRpcError } from '../hub/types.js';
import {
  INVALID_PARAMS,
  METHOD_NOT_FOUND,
  notificationMessage,
  requestMessage,
  RpcError,
  type JsonRpcRequest,
  type JsonRpcResponse,
} from './jsonrpc.js';
import { createModernCalls, type ModernCalls } from './modern-call.js';
import { LEGACY_VERSIONS, MODERN_VERSION, negotiateLegacyVersion, SERVER_INFO_META_KEY } from './protocol.js';
import { sendUnsolicited, type Session } from './session.js';

/** The channel of one client request: the POST's (SSE-upgradable) response, or stdout. */
export interface Link {
  /** A notification related to this request (progress, logging). */
  notify(message: string): void;
  /** A server-to-client request related to this request; false when it cannot be delivered. */
  sendRequest(message: string): boolean;
  /** Set by the dispatcher: the transport calls it when the client goes away mid-request. */
  onAbort?: () => void;
}

export interface DispatcherOptions {
  hub: Hub;
  serverInfo?: { name: string; version: string };
  instructions?: string;
  /** How long a 2026-07-28 call waits for the client to come back with input (default 10 min). */
  inputTimeoutMs?: number;
}

export interface Dispatcher {
  initialize(session: Session, params: Record<string, unknown> | undefined): Record<string, unknown>;
  discover(): Record<string, unknown>;
  /** Serves a request; resolves with the result to send, rejects with RpcError/HubRpcError. */
  call(session: Session, request: JsonRpcRequest, link: Link): Promise<unknown>;
  /** The client's answer to a server-to-client request. */
  answer(session: Session, response: JsonRpcResponse): void;
  /** A client notification (initialized, cancelled, roots/list_changed, ...). */
  notification(session: Session, method: string, params: Record<string, unknown> | undefined): void;
  /** The transport opened the session's stream for messages outside any request (a legacy GET stream). */
  streamOpened(session: Session): void;
  /** The session as a client the hub may ask outside any call; requests travel on its stream. */
  clientOf(session: Session): OutOfBandClient;
  /** 2026-07-28 calls parked while waiting for input_required answers (for tests and shutdown). */
  readonly modern: ModernCalls;
}

/** Which client capability each server-to-client request needs (spec: client/elicitation, ...). */
const REQUIRED_CAPABILITY: Record<string, string> = {
  'elicitation/create': 'elicitation',
  'sampling/createMessage': 'sampling',
  'roots/list': 'roots',
};

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { hub } = options;
  const serverInfo = options.serverInfo ?? { name: 'patchbay', version: '0.1.0' };

  function requestClient(session: Session, link: Link, method: string, params: unknown, signal?: AbortSignal): Promise<unknown> {
    const capability = REQUIRED_CAPABILITY[method];
    if (capability !== undefined && session.clientCapabilities[capability] === undefined) {
      return Promise.reject(new HubRpcError(METHOD_NOT_FOUND, `The client did not declare the ${capability} capability, so ${method} cannot be sent to it`));
    }
    const id = session.nextRequestId();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        session.pending.delete(id);
        sendUnsolicited(session, notificationMessage('notifications/cancelled', { requestId: id, reason: 'The server cancelled the request' }));
        reject(signal?.reason instanceof Error ? signal.reason : new Error('cancelled'));
      };
      session.pending.set(id, {
        resolve: (value) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(value);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      const message = requestMessage(id, method, params);
      // Spec 2025-11-25 (transports): a request related to a client request goes on that
      // request's stream; the session's GET stream is the fallback once that one has ended.
      if (!link.sendRequest(message) && !session.sink?.send(message)) {
        session.pending.delete(id);
        reject(new HubRpcError(INVALID_PARAMS, `${method} could not be delivered: the client has no open stream`));
      }
    });
  }

  const modern = createModernCalls({ hub, timeoutMs: options.inputTimeoutMs ?? 600_000 });
  /** A request outside any call has no request stream: requestClient falls back to the session's own. */
  const noLink: Link = { notify: () => undefined, sendRequest: () => false };
  /** Sessions whose roots the upstreams were told about, so a reconnected GET stream says nothing new. */
  const announced = new WeakSet<Session>();

  // A client with roots that can now be asked outside a call is the most recently active one, so
  // the hub's answer to roots/list changes with it: a server that asked at its start-up, before
  // any client was there, got no roots and asks again when told (MCP 2025-11-25, client/roots).
  function announceRoots(session: Session): void {
    if (session.clientCapabilities.roots === undefined || announced.has(session)) return;
    announced.add(session);
    hub.rootsChanged?.(session.id);
  }

  return {
    modern,
    initialize(session, params) {
      session.protocolVersion = negotiateLegacyVersion(params?.protocolVersion);
      session.clientCapabilities = (params?.capabilities as Record<string, unknown> | undefined) ?? {};
      session.clientInfo = params?.clientInfo as Session['clientInfo'];
      const result: Record<string, unknown> = {
        protocolVersion: session.protocolVersion,
        capabilities: hub.capabilities(),
        serverInfo,
      };
      if (options.instructions) result.instructions = options.instructions;
      return result;
    },
    discover() {
      return {
        supportedVersions: [MODERN_VERSION, ...LEGACY_VERSIONS],
        capabilities: hub.capabilities(),
        ...(options.instructions ? { instructions: options.instructions } : {}),
        resultType: 'complete',
        ttlMs: 0,
        cacheScope: 'private',
        _meta: { [SERVER_INFO_META_KEY]: serverInfo },
      };
    },
    async call(session, request, link) {
      const method = request.method;
      if (method === 'ping') return session.era === 'modern' ? { resultType: 'complete' } : {};
      if (method === 'server/discover') return this.discover();
      if (session.era === 'modern') return modern.serve(session, request, link);
      if (method === 'logging/setLevel') session.logLevel = String(request.params?.level ?? 'info');
      const controller = new AbortController();
      session.inFlight.set(request.id, controller);
      link.onAbort = () => controller.abort(new Error('The client closed the connection'));
      const context: DownstreamContext = {
        sessionId: session.id,
        client: session.client,
        clientCapabilities: session.clientCapabilities,
        signal: controller.signal,
        protocolVersion: session.protocolVersion,
        logLevel: session.logLevel,
        notify: (m, p) => link.notify(notificationMessage(m, p)),
        request: (m, p, o) => requestClient(session, link, m, p, o?.signal),
      };
      try {
        return await hub.request(method, request.params, context);
      } finally {
        session.inFlight.delete(request.id);
      }
    },
    answer(session, response) {
      const id = response.id;
      if (id === null) return;
      const pending = session.pending.get(id);
      if (!pending) return;
      session.pending.delete(id);
      if (response.error) pending.reject(new HubRpcError(response.error.code, response.error.message, response.error.data));
      else pending.resolve(response.result);
    },
    notification(session, method, params) {
      if (method === 'notifications/cancelled') {
        const requestId = params?.requestId as string | number | undefined;
        if (requestId !== undefined) session.inFlight.get(requestId)?.abort(new Error(String(params?.reason ?? 'Cancelled by the client')));
      } else if (method === 'notifications/roots/list_changed') {
        // Only a client that declared roots has any (spec 2025-11-25, client/roots). Every upstream
        // hears it as from its own client; the sender, now the most recently active session, is
        // the one the hub asks when they come back with roots/list.
        if (session.clientCapabilities.roots === undefined) return;
        announced.add(session);
        hub.rootsChanged?.(session.id);
      } else if (method === 'notifications/initialized' && session.sink !== undefined) {
        // stdio: the session's stream (stdout) exists from the start, so initialized is the moment.
        announceRoots(session);
      }
    },
    streamOpened(session) {
      announceRoots(session);
    },
    clientOf(session) {
      return { sessionId: session.id, request: (method, params, o) => requestClient(session, noLink, method, params, o?.signal) };
    },
  };
}

/** Error to JSON-RPC fields: hub and gateway errors keep their code, anything else is internal. */
export function toRpcError(error: unknown): { code: number; message: string; data?: unknown } {
  if (error instanceof HubRpcError || error instanceof RpcError) return { code: error.code, message: error.message, data: error.data };
  const e = error as { code?: unknown; message?: unknown; data?: unknown };
  if (typeof e?.code === 'number' && typeof e.message === 'string') return { code: e.code, message: e.message, data: e.data };
  return { code: -32603, message: error instanceof Error ? error.message : String(error) };
}
