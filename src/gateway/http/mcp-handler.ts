/**
 * The Streamable HTTP endpoint (`/mcp`) for both protocol eras on one URL, written directly on
 * node:http: each body is parsed once, a request that needs no streaming is answered with one
 * `application/json` write, and the SDK's transport layer (300–900 calls/s here) stays out of
 * the hot path. Era detection follows the SDK's classifier: a request whose params carry the
 * 2026-07-28 envelope (`_meta["io.modelcontextprotocol/protocolVersion"]`) is modern; anything
 * else is legacy and lives in an `Mcp-Session-Id` session created by `initialize`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Hub } from '../../hub/types.js';
import type { Dispatcher } from '../dispatcher.js';
import { toRpcError } from '../dispatcher.js';
import type { EventFanout } from '../events.js';
import {
  answerMessage,
  errorResponse,
  INVALID_REQUEST,
  notificationMessage,
  resultResponse,
  TRANSPORT_ERROR,
  type JsonRpcRequest,
  type JsonRpcResponse,
  type ResponseId,
} from '../jsonrpc.js';
import { parseClientMessage } from '../parse-message.js';
import { ALL_VERSIONS, MODERN_VERSION, SUBSCRIPTION_ID_META_KEY } from '../protocol.js';
import { MISSING_REQUIRED_CLIENT_CAPABILITY } from '../modern-call.js';
import { abortSession, createSession, type Session, type SessionStore } from '../session.js';
import { BodyTooLargeError, formatBytes, readBody } from './body.js';
import { createExchange, openEventStream } from './exchange.js';
import { createOutbox, type Outbox, type OutboxOptions } from './outbox.js';
import { gateModernPost } from './era-gate.js';
import { createSessionStreams, type ResumeOptions, type SessionStreams } from './session-streams.js';
import { sseMessage } from './sse.js';

export interface McpHandlerOptions {
  /** A legacy session idle this long with no open stream and no call is ended (default 1 h). */
  sessionIdleMs?: number;
  /** How often idle sessions are looked for (default a minute, or sessionIdleMs when shorter). */
  sessionSweepMs?: number;
  hub: Hub;
  dispatcher: Dispatcher;
  sessions: SessionStore;
  fanout: EventFanout;
  maxBodyBytes: number;
  /** How to tell the user to raise the body limit, for the 413 message. */
  bodyLimitHint: string;
  /** SSE resumability of legacy sessions: grace period, replay limits, retry (session-streams.ts). */
  resume?: Partial<ResumeOptions>;
  /** One line per event worth telling the operator (a stream not resumed, an unknown Last-Event-ID). */
  log?: (line: string) => void;
  /** Limits on what is held for clients that do not read (outbox.ts). */
  outbox?: Omit<OutboxOptions, 'log'>;
}

export interface McpHandler {
  /** `client`: who the request's credential names (http/guard.ts); every session it opens is that client's. */
  handle(req: IncomingMessage, res: ServerResponse, client?: string): void;
  /** Ends every session and stream (shutdown). */
  closeAll(): void;
  /** Legacy sessions' SSE streams and replay buffers (diagnostics and tests). */
  readonly streams: SessionStreams;
  /** What is held for clients that are slow to read their answers (diagnostics and tests). */
  readonly outbox: Outbox;
}

const SESSION_HEADER = 'mcp-session-id';

export function createMcpHandler(options: McpHandlerOptions): McpHandler {
  const { hub, dispatcher, sessions, fanout } = options;
  /** Open long-lived streams, with the message that ends each gracefully (listen streams). */
  const openStreams = new Map<ServerResponse, string | undefined>();
  let modernCounter = 0;
  const log = options.log ?? (() => undefined);
  const outbox = createOutbox({ ...options.outbox, log });
  const streams = createSessionStreams({ resume: options.resume, dispatcher, outbox, log });
  // Clients that vanish without DELETE (crashed hosts, closed laptops) would otherwise keep
  // their sessions forever; the spec lets a server end a session at any time (the client then
  // gets 404 and initializes again).
  const idleMs = options.sessionIdleMs ?? 3_600_000;
  const sweep = setInterval(() => {
    const cutoff = Date.now() - idleMs;
    for (const session of [...sessions.values()]) {
      if (session.era === 'legacy' && session.id !== 'stdio' && session.lastSeen < cutoff && session.sink === undefined && session.inFlight.size === 0) endSession(session);
    }
  }, options.sessionSweepMs ?? Math.min(60_000, idleMs));
  sweep.unref();

  function sendJson(res: ServerResponse, status: number, body: string, headers?: Record<string, string>): void {
    res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  function endSession(session: Session): void {
    sessions.delete(session.id);
    streams.end(session.id);
    abortSession(session, 'The session was closed');
    hub.closeSession(session.id);
  }

  function serve(session: Session, request: JsonRpcRequest, res: ServerResponse, canStream: boolean, id: ResponseId): void {
    // Only legacy sessions resume (2026-07-28 has no session to resume in: README).
    const replay = session.era === 'legacy' ? streams.replayOf(session.id) : undefined;
    const exchange = createExchange(res, canStream, undefined, outbox, replay, replay && streams.settings);
    dispatcher.call(session, request, exchange).then(
      (result) => exchange.finish(answerMessage(id, result)),
      (error: unknown) => {
        const e = toRpcError(error);
        // SEP-2575 puts HTTP 400 on a missing client capability wherever it is found.
        const status = session.era === 'modern' && e.code === MISSING_REQUIRED_CLIENT_CAPABILITY ? 400 : 200;
        exchange.finish(errorResponse(id, e.code, e.message, e.data), status);
      },
    );
  }

  function listen(session: Session, request: JsonRpcRequest, res: ServerResponse): void {
    const filter = (request.params?.notifications ?? {}) as Record<string, unknown>;
    const stream = openEventStream(res, outbox);
    // SEP-2575: a server that ends a subscription on purpose answers the listen request.
    openStreams.set(res, resultResponse(request.id, { resultType: 'complete', _meta: { [SUBSCRIPTION_ID_META_KEY]: request.id } }));
    const listener = { sessionId: session.id, subscriptionId: request.id, filter, sink: stream };
    fanout.addListener(listener);
    // SEP-2575: the server acknowledges with the filter it will honour before any event.
    stream.send(notificationMessage('notifications/subscriptions/acknowledged', { notifications: filter, _meta: { [SUBSCRIPTION_ID_META_KEY]: request.id } }));
    const uris = Array.isArray(filter.resourceSubscriptions) ? (filter.resourceSubscriptions as string[]) : [];
    const controller = new AbortController();
    for (const uri of uris) {
      hub
        .request('resources/subscribe', { uri }, {
          sessionId: session.id,
          client: session.client,
          clientCapabilities: session.clientCapabilities,
          signal: controller.signal,
          protocolVersion: MODERN_VERSION,
          notify: (m, p) => void stream.send(notificationMessage(m, p)),
          request: () => Promise.reject(new Error('not available on a listen stream')),
        })
        .catch(() => undefined);
    }
    res.on('close', () => {
      openStreams.delete(res);
      controller.abort();
      fanout.removeListener(listener);
      hub.closeSession(session.id);
    });
  }

  /**
   * A legacy session belongs to the client that initialized it: another client's credential
   * with its id gets the same 404 as an unknown id, so one host cannot act (or be audited) as
   * another by learning a session id.
   */
  function ownSession(sessionId: string | undefined, client: string): Session | undefined {
    const session = sessionId === undefined ? undefined : sessions.get(sessionId);
    return session !== undefined && session.client === client ? session : undefined;
  }

  function handlePost(req: IncomingMessage, res: ServerResponse, body: Buffer, client: string): void {
    const parsed = parseClientMessage(body.toString('utf8'));
    if (parsed.kind === 'error') {
      sendJson(res, 400, errorResponse(parsed.id, parsed.code, parsed.error));
      return;
    }
    const { kind, message } = parsed;
    const msg = message as JsonRpcRequest;
    const accept = req.headers.accept;
    const canStream = accept === undefined || accept.includes('text/event-stream') || accept.includes('*/*');
    const sessionId = req.headers[SESSION_HEADER] as string | undefined;
    /** What answers carry as the id: the request's, digit for digit (parse-message.ts). */
    const replyId = parsed.kind === 'request' ? parsed.id : null;

    // 2026-07-28 or not, and the checks that revision puts on a request (era-gate.ts).
    const gate = kind === 'response' ? { kind: 'legacy' as const } : gateModernPost(req, msg, kind, () => hub.capabilities(), replyId);
    if (gate.kind === 'reply') {
      if (gate.body === undefined) res.writeHead(gate.status).end();
      else sendJson(res, gate.status, gate.body);
      return;
    }
    if (gate.kind === 'modern') {
      const session = createSession('modern', MODERN_VERSION, `modern-${++modernCounter}`);
      session.client = client;
      session.clientCapabilities = gate.envelope.clientCapabilities;
      session.logLevel = gate.envelope.logLevel;
      if (msg.method === 'subscriptions/listen') listen(session, msg, res);
      else serve(session, msg, res, canStream, replyId);
      return;
    }

    if (kind === 'request' && msg.method === 'initialize') {
      const session = createSession('legacy', '');
      session.client = client;
      const result = dispatcher.initialize(session, msg.params);
      sessions.add(session);
      streams.begin(session);
      sendJson(res, 200, resultResponse(replyId, result), { 'mcp-session-id': session.id });
      return;
    }
    if (sessionId === undefined) {
      // A legacy client that skipped initialize, or a modern one that left out its envelope.
      if (kind === 'request' && (msg.method === 'ping' || msg.method === 'server/discover')) {
        const session = createSession('modern', MODERN_VERSION, `modern-${++modernCounter}`);
        session.client = client;
        serve(session, msg, res, false, replyId);
        return;
      }
      sendJson(res, 400, errorResponse(replyId, TRANSPORT_ERROR, 'Bad Request: Mcp-Session-Id header is required (send initialize first), or use protocol 2026-07-28 with its _meta envelope'));
      return;
    }
    const session = ownSession(sessionId, client);
    if (session !== undefined) session.lastSeen = Date.now();
    if (session === undefined) {
      // Spec: 404 tells the client its session is gone and it must initialize again.
      sendJson(res, 404, errorResponse(replyId, TRANSPORT_ERROR, 'Session not found: it ended or the gateway restarted; initialize a new session'));
      return;
    }
    const version = req.headers['mcp-protocol-version'];
    if (typeof version === 'string' && !ALL_VERSIONS.includes(version)) {
      sendJson(res, 400, errorResponse(replyId, TRANSPORT_ERROR, `Bad Request: unsupported MCP-Protocol-Version ${version}; supported: ${ALL_VERSIONS.join(', ')}`));
      return;
    }
    if (kind === 'notification') {
      dispatcher.notification(session, msg.method, msg.params);
      res.writeHead(202).end();
    } else if (kind === 'response') {
      dispatcher.answer(session, message as JsonRpcResponse);
      res.writeHead(202).end();
    } else {
      serve(session, msg, res, canStream, replyId);
    }
  }

  function handleGet(req: IncomingMessage, res: ServerResponse, client: string): void {
    const accept = req.headers.accept ?? '';
    if (!accept.includes('text/event-stream')) {
      sendJson(res, 406, errorResponse(null, TRANSPORT_ERROR, 'Not Acceptable: GET opens an event stream; send Accept: text/event-stream'));
      return;
    }
    const sessionId = req.headers[SESSION_HEADER] as string | undefined;
    const session = ownSession(sessionId, client);
    if (session === undefined) {
      // Spec 2025-11-25 (transports): 405 when there is no stream to offer at this point; the body says why.
      if (sessionId === undefined) sendJson(res, 405, errorResponse(null, TRANSPORT_ERROR, 'Method Not Allowed: GET /mcp opens the event stream of a session and needs its Mcp-Session-Id header (send initialize first); 2026-07-28 clients use POST subscriptions/listen instead'), { allow: 'POST, DELETE' });
      else sendJson(res, 404, errorResponse(null, TRANSPORT_ERROR, 'Session not found: it ended or the gateway restarted; initialize a new session'));
      return;
    }
    const lastEventId = req.headers['last-event-id'];
    const outcome = streams.open(session, typeof lastEventId === 'string' ? lastEventId : undefined, res);
    if (outcome === 'conflict') {
      sendJson(res, 409, errorResponse(null, TRANSPORT_ERROR, 'Conflict: this session already has an open GET stream'));
      return;
    }
    openStreams.set(res, undefined);
    res.on('close', () => openStreams.delete(res));
  }

  function handleDelete(req: IncomingMessage, res: ServerResponse, client: string): void {
    const sessionId = req.headers[SESSION_HEADER] as string | undefined;
    const session = ownSession(sessionId, client);
    if (session === undefined) {
      sendJson(res, sessionId === undefined ? 400 : 404, errorResponse(null, TRANSPORT_ERROR, sessionId === undefined ? 'Mcp-Session-Id header is required' : 'Session not found'));
      return;
    }
    endSession(session);
    res.writeHead(200).end();
  }

  return {
    handle: function handleMcp(req, res, client = 'default') {
      const method = req.method;
      if (method === 'POST') {
        readBody(req, options.maxBodyBytes).then(
          (body) => handlePost(req, res, body, client),
          (error: unknown) => {
            if (error instanceof BodyTooLargeError) {
              // The session survives: only this message is refused (other gateways end the
              // session on an oversized message, which users report as random disconnects).
              res.shouldKeepAlive = false;
              sendJson(res, 413, errorResponse(null, INVALID_REQUEST, `Message too large: ${formatBytes(error.received)} is over the gateway's ${formatBytes(error.limit)} limit. ${options.bodyLimitHint}`, { limit: error.limit }));
            } else if (!res.headersSent) {
              res.destroy();
            }
          },
        );
      } else if (method === 'GET') {
        handleGet(req, res, client);
      } else if (method === 'DELETE') {
        handleDelete(req, res, client);
      } else {
        sendJson(res, 405, errorResponse(null, TRANSPORT_ERROR, `Method Not Allowed: ${String(method).slice(0, 20)} /mcp; the endpoint takes POST (messages), GET (a session's event stream) and DELETE (end a session)`), { allow: 'GET, POST, DELETE' });
      }
    },
    closeAll() {
      clearInterval(sweep);
      for (const session of [...sessions.values()]) endSession(session);
      for (const [res, last] of openStreams) res.end(last === undefined ? undefined : sseMessage(last));
      openStreams.clear();
      dispatcher.modern.abortAll();
    },
    streams,
    outbox,
  };
}
