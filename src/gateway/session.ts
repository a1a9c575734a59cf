/**
 * Downstream sessions. A legacy-era HTTP client gets one after `initialize` (its id travels in
 * `Mcp-Session-Id`); the stdio gateway has exactly one; a 2026-07-28 client has none, so each of
 * its calls and each `subscriptions/listen` stream gets a short-lived one for the hub's
 * bookkeeping. A session holds what must outlive one HTTP exchange: requests in flight (for
 * notifications/cancelled), server-to-client requests awaiting the client's answer, and the
 * stream that carries unsolicited messages.
 */
import { randomUUID } from 'node:crypto';
import type { JsonRpcId } from './jsonrpc.js';

/** Where messages for this session go when they belong to no particular request. */
export interface MessageSink {
  /** Writes one serialised JSON-RPC message; false when the sink is gone. */
  send(message: string): boolean;
}

export interface PendingClientRequest {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

export interface Session {
  readonly id: string;
  readonly era: 'legacy' | 'modern';
  /** The client the request's credential names (DownstreamContext.client); `default` until the transport knows better. */
  client: string;
  protocolVersion: string;
  clientCapabilities: Record<string, unknown>;
  clientInfo: { name?: string; version?: string } | undefined;
  /** Client requests being served, by JSON-RPC id, so notifications/cancelled can abort them. */
  readonly inFlight: Map<JsonRpcId, AbortController>;
  /** Server-to-client requests sent on this session, by the id the gateway gave them. */
  readonly pending: Map<JsonRpcId, PendingClientRequest>;
  /** The legacy GET stream (or stdout for stdio), if one is open. */
  sink: MessageSink | undefined;
  /**
   * Where notifications outside any request go while the GET stream's connection is down but the
   * client may resume it (Last-Event-ID): they are kept for the replay. Requests never go here:
   * a server request needs a client that can answer now.
   */
  backlog: MessageSink | undefined;
  /** Set by logging/setLevel: the session wants server log messages that belong to no call. */
  logLevel: string | undefined;
  /** Last time the client sent anything (ms since epoch), for the idle sweep. */
  lastSeen: number;
  nextRequestId(): string;
}

export function createSession(era: 'legacy' | 'modern', protocolVersion: string, id: string = randomUUID()): Session {
  let counter = 0;
  return {
    id,
    era,
    client: 'default',
    protocolVersion,
    clientCapabilities: {},
    clientInfo: undefined,
    inFlight: new Map(),
    pending: new Map(),
    sink: undefined,
    backlog: undefined,
    logLevel: undefined,
    lastSeen: Date.now(),
    nextRequestId: () => `pb-${++counter}`,
  };
}

/** Ends a session's outstanding work: aborts its calls and fails what waits on the client. */
export function abortSession(session: Session, reason: string): void {
  for (const controller of session.inFlight.values()) controller.abort(new Error(reason));
  session.inFlight.clear();
  const error = new Error(reason);
  for (const pending of session.pending.values()) pending.reject(error);
  session.pending.clear();
  session.sink = undefined;
  session.backlog = undefined;
}

/** A notification that belongs to no request: the open GET stream, else the backlog of a dropped one. */
export function sendUnsolicited(session: Session, message: string): void {
  if (session.sink !== undefined) session.sink.send(message);
  else session.backlog?.send(message);
}

/**
 * The session the hub asks when a server's request belongs to no call (roots/list at a server's
 * start-up or after a roots change): the most recently active one whose client declared
 * `capability` and that has a stream for messages outside any request (a legacy GET stream, or
 * stdout for stdio). 2026-07-28 clients are never picked: they have no session that outlives a
 * call and no stream a server request could travel on (subscriptions/listen carries
 * notifications only), so the only way to ask them is an input_required round inside one of
 * their own calls (modern-call.ts); SEP-2577 also deprecates roots in that revision.
 */
export function mostRecentSession(sessions: Iterable<Session>, capability: string): Session | undefined {
  let best: Session | undefined;
  for (const session of sessions) {
    if (session.era !== 'legacy' || session.sink === undefined || session.clientCapabilities[capability] === undefined) continue;
    if (best === undefined || session.lastSeen >= best.lastSeen) best = session;
  }
  return best;
}

export interface SessionStore {
  get(id: string): Session | undefined;
  add(session: Session): void;
  delete(id: string): Session | undefined;
  readonly size: number;
  values(): IterableIterator<Session>;
}

export function createSessionStore(): SessionStore {
  const sessions = new Map<string, Session>();
  return {
    get: (id) => sessions.get(id),
    add: (session) => void sessions.set(session.id, session),
    delete(id) {
      const session = sessions.get(id);
      if (session) sessions.delete(id);
      return session;
    },
    get size() {
      return sessions.size;
    },
    values: () => sessions.values(),
  };
}
