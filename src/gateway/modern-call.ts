/**
 * Server-to-client requests in protocol 2026-07-28, where a server may no longer send requests
 * while serving one: it answers `resultType: "input_required"` with `inputRequests` and an opaque
 * `requestState`, and the client retries the original request with `inputResponses` and the same
 * `requestState` (multi round-trip requests, SEP-2322). Upstream servers of either era still ask
 * mid-call through the hub's DownstreamContext.request, so the gateway parks the running hub call
 * under a random requestState, answers input_required, and resumes the call when the retry comes.
 *
 * That round is the only way to ask a 2026-07-28 client anything: it has no session that
 * outlives a call and no stream a server request could travel on, so a server's roots/list
 * outside any call never goes to it (session.ts, mostRecentSession). Its
 * notifications/roots/list_changed is not relayed upstream either (a sessionless notification is
 * accepted and dropped): servers would ask again out of band, and the hub could not ask this
 * client for the new roots there. Roots are deprecated in that revision anyway (SEP-2577).
 */
import { randomBytes } from 'node:crypto';
import type { DownstreamContext, Hub } from '../hub/types.js';
import { HubRpcError } from '../hub/types.js';
import { INVALID_PARAMS, notificationMessage, RpcError, type JsonRpcRequest } from './jsonrpc.js';
import { shapeModernResult } from './modern-result.js';
import { logWanted, stripEnvelope } from './protocol.js';
import type { Link } from './dispatcher.js';
import type { PendingClientRequest, Session } from './session.js';

interface InputRequest {
  method: string;
  params: unknown;
}

interface ModernCall {
  token: string;
  session: Session;
  link: Link;
  controller: AbortController;
  /** Asked of the client and not answered yet, by input key. */
  waiting: Map<string, PendingClientRequest & { request: InputRequest }>;
  /** Keys not yet sent in an input_required result. */
  unsent: Set<string>;
  settled?: { ok: true; value: unknown } | { ok: false; error: unknown };
  wake?: () => void;
  timer?: NodeJS.Timeout;
  inputCounter: number;
  /** A question refused for want of a client capability (-32021), if any. */
  refused?: HubRpcError;
}

export interface ModernCalls {
  serve(session: Session, request: JsonRpcRequest, link: Link): Promise<unknown>;
  /** Calls currently parked waiting for the client's retry. */
  readonly parked: number;
  /** Aborts every parked call (gateway shutdown). */
  abortAll(): void;
}

const CAPABILITY: Record<string, string> = {
  'elicitation/create': 'elicitation',
  'sampling/createMessage': 'sampling',
  'roots/list': 'roots',
};

/** SEP-2575 "Missing Required Capabilities": HTTP 400 wherever it arises. */
export const MISSING_REQUIRED_CLIENT_CAPABILITY = -32021;

/**
 * Errors as a 2026-07-28 client must receive them: that revision folded -32002 (resource not
 * found) into -32602 (SEP-2164; the SDK's 2026 codec maps it the same way on encode).
 */
function modernError(error: unknown): unknown {
  const e = error as { code?: unknown; message?: string; data?: unknown };
  return e?.code === -32002 ? new HubRpcError(INVALID_PARAMS, e.message ?? 'Resource not found', e.data) : error;
}

/** The error for a question the client cannot be asked: it did not declare the capability. */
function missingCapability(session: Session, method: string): HubRpcError | undefined {
  const capability = CAPABILITY[method];
  if (capability === undefined || session.clientCapabilities[capability] !== undefined) return undefined;
  return new HubRpcError(
    MISSING_REQUIRED_CLIENT_CAPABILITY,
    `The client did not declare the ${capability} capability, which this request needs (${method})`,
    { requiredCapabilities: { [capability]: {} } },
  );
}

export function createModernCalls(options: { hub: Hub; timeoutMs: number }): ModernCalls {
  const { hub, timeoutMs } = options;
  const parked = new Map<string, ModernCall>();

  function finish(call: ModernCall): void {
    if (call.timer) clearTimeout(call.timer);
    parked.delete(call.token);
    hub.closeSession(call.session.id);
  }

  function start(session: Session, request: JsonRpcRequest, link: Link): ModernCall {
    const call: ModernCall = {
      token: '',
      session,
      link,
      controller: new AbortController(),
      waiting: new Map(),
      unsent: new Set(),
      inputCounter: 0,
    };
    /** Parks one question for the client under `key` until its retry answers it. */
    const ask = (key: string, method: string, params: unknown): Promise<unknown> => {
      const missing = missingCapability(session, method);
      if (missing) {
        call.refused = missing;
        return Promise.reject(missing);
      }
      return new Promise((resolve, reject) => {
        call.waiting.set(key, { resolve, reject, request: { method, params } });
        call.unsent.add(key);
        // Several requests asked in the same tick travel in one input_required result.
        setImmediate(() => call.wake?.());
      });
    };
    const context: DownstreamContext = {
      sessionId: session.id,
      client: session.client,
      clientCapabilities: session.clientCapabilities,
      signal: call.controller.signal,
      protocolVersion: session.protocolVersion,
      logLevel: session.logLevel,
      notify: (method, params) => {
        // SEP-2575: no log messages unless this request's envelope set a level, and none below it.
        if (method === 'notifications/message' && !logWanted(session.logLevel, (params as { level?: unknown } | undefined)?.level)) return;
        call.link.notify(notificationMessage(method, params));
      },
      request: (method, params) => ask(`input-${++call.inputCounter}`, method, params),
      // A 2026-07-28 upstream's inputRequests, relayed under its own keys (hub/input-required.ts).
      input: async (requests) => {
        for (const request of Object.values(requests)) {
          const missing = missingCapability(session, request.method);
          if (missing) throw missing;
        }
        const keys = Object.keys(requests).map((key) => (call.waiting.has(key) ? `${key}-${++call.inputCounter}` : key));
        const answers = await Promise.all(Object.values(requests).map((r, i) => ask(keys[i]!, r.method, r.params ?? {})));
        return Object.fromEntries(Object.keys(requests).map((key, i) => [key, answers[i]]));
      },
    };
    hub.request(request.method, stripEnvelope(request.params), context).then(
      (value) => {
        call.settled = { ok: true, value };
        call.wake?.();
      },
      (error: unknown) => {
        call.settled = { ok: false, error };
        call.wake?.();
      },
    );
    return call;
  }

  /** Resolves when the call has a result or has new questions for the client. */
  function next(call: ModernCall): Promise<void> {
    if (call.settled || call.unsent.size > 0) return Promise.resolve();
    return new Promise((resolve) => {
      call.wake = () => {
        call.wake = undefined;
        resolve();
      };
    });
  }

  return {
    get parked() {
      return parked.size;
    },
    abortAll() {
      for (const call of parked.values()) {
        call.controller.abort(new Error('The gateway is shutting down'));
        for (const w of call.waiting.values()) w.reject(new Error('The gateway is shutting down'));
        finish(call);
      }
    },
    async serve(session, request, link) {
      const state = request.params?.requestState;
      let call: ModernCall;
      if (typeof state === 'string') {
        const found = parked.get(state);
        if (!found) {
          throw new RpcError(INVALID_PARAMS, 'requestState is unknown or has expired (the gateway keeps a paused call for a limited time); send the request again without requestState');
        }
        // A malformed answer leaves the paused call as it was: the client may retry properly.
        const raw = request.params?.inputResponses ?? {};
        if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
          throw new RpcError(INVALID_PARAMS, 'inputResponses must be an object keyed by the inputRequests it answers');
        }
        call = found;
        parked.delete(state);
        if (call.timer) clearTimeout(call.timer);
        call.link = link;
        const responses = raw as Record<string, unknown>;
        for (const key of Object.keys(responses)) {
          const waiting = call.waiting.get(key);
          if (!waiting) continue;
          call.waiting.delete(key);
          waiting.resolve(responses[key]);
        }
        // Anything the client left unanswered is asked again.
        for (const key of call.waiting.keys()) call.unsent.add(key);
      } else {
        call = start(session, request, link);
      }
      link.onAbort = () => {
        call.controller.abort(new Error('The client closed the connection'));
        for (const w of call.waiting.values()) w.reject(new Error('The client closed the connection'));
        finish(call);
      };
      await next(call);
      link.onAbort = undefined;
      if (call.settled) {
        finish(call);
        // A 2025-era server whose request was refused for a missing capability reports it its own
        // way (typically an error result); the client of this revision is owed SEP-2575's -32021.
        if (call.refused && (!call.settled.ok || (call.settled.value as { isError?: unknown } | undefined)?.isError === true)) throw call.refused;
        if (!call.settled.ok) throw modernError(call.settled.error);
        return shapeModernResult(request.method, call.settled.value);
      }
      const inputRequests: Record<string, InputRequest> = {};
      for (const key of call.unsent) {
        const waiting = call.waiting.get(key);
        if (waiting) inputRequests[key] = waiting.request;
      }
      call.unsent.clear();
      call.token = randomBytes(18).toString('base64url');
      parked.set(call.token, call);
      call.timer = setTimeout(() => {
        call.controller.abort(new Error('The client did not answer input_required in time'));
        for (const w of call.waiting.values()) w.reject(new Error('The client did not answer input_required in time'));
        finish(call);
      }, timeoutMs);
      call.timer.unref();
      return { resultType: 'input_required', inputRequests, requestState: call.token };
    },
  };
}
