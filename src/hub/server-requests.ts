/**
 * Requests a server sends to its client — elicitation/create, sampling/createMessage,
 * roots/list, ping (MCP 2025-11-25 "Client Features") — go to the downstream client whose call
 * caused them. Over stdio a server's request does not say which of our calls it belongs to, so
 * the hub picks the most recent call still in flight on that server: with one call at a time
 * (what hosts do) that is exact; with several concurrent calls from different sessions it is a
 * best guess. When no call is in flight (roots/list at start-up, a timer in the server) there is
 * nobody to ask, and the hub answers for the client: no roots, elicitation declined.
 */
import type { DownstreamContext } from './types.js';
import { HubRpcError } from './types.js';
import { METHOD_NOT_FOUND, REQUEST_CANCELLED, SERVER_UNAVAILABLE } from './rpc-errors.js';
import type { Supervisor } from './supervisor.js';
import type { Logger } from './log/hub-logs.js';

export interface PendingRequests {
  /** Tracks one server→client request on a session so closeSession can abort it. */
  track(sessionId: string, controller: AbortController): () => void;
  dropSession(sessionId: string): void;
  size(): number;
}

export function createPendingRequests(): PendingRequests {
  const bySession = new Map<string, Set<AbortController>>();
  return {
    track(sessionId, controller) {
      let set = bySession.get(sessionId);
      if (!set) bySession.set(sessionId, (set = new Set()));
      set.add(controller);
      return () => {
        set.delete(controller);
        if (set.size === 0 && bySession.get(sessionId) === set) bySession.delete(sessionId);
      };
    },
    dropSession(sessionId) {
      const set = bySession.get(sessionId);
      bySession.delete(sessionId);
      for (const controller of set ?? []) controller.abort(new Error('the client session ended'));
    },
    size: () => bySession.size,
  };
}

/** The downstream context of the most recent live call on this server, if any. */
export function callerOf(supervisor: Supervisor): DownstreamContext | undefined {
  let latest: DownstreamContext | undefined;
  for (const call of supervisor.inflight) {
    const context = call.owner as DownstreamContext | undefined;
    if (context && !context.signal.aborted) latest = context;
  }
  return latest;
}

export async function routeServerRequest(
  supervisor: Supervisor,
  method: string,
  params: unknown,
  signal: AbortSignal,
  pending: PendingRequests,
  log: Logger,
): Promise<unknown> {
  if (method === 'ping') return {};
  const context = callerOf(supervisor);
  if (!context) return answerWithoutClient(supervisor.name, method, log);
  log.log('debug', `${method} routed to session ${context.sessionId}`);
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const untrack = pending.track(context.sessionId, controller);
  try {
    // A client that never answers must not pin this request once its session is gone or the
    // server gave up: the abort settles it whatever the client does.
    return await new Promise<unknown>((resolve, reject) => {
      const onCancel = () =>
        reject(new HubRpcError(REQUEST_CANCELLED, `${method} cancelled: ${String((controller.signal.reason as Error)?.message ?? 'aborted')}`));
      if (controller.signal.aborted) return onCancel();
      controller.signal.addEventListener('abort', onCancel, { once: true });
      context
        .request(method, params, { signal: controller.signal })
        .then(resolve, reject)
        .finally(() => controller.signal.removeEventListener('abort', onCancel));
    });
  } finally {
    signal.removeEventListener('abort', onAbort);
    untrack();
  }
}

function answerWithoutClient(server: string, method: string, log: Logger): unknown {
  switch (method) {
    case 'roots/list':
      // No client to ask: no roots is the truthful answer, and servers handle an empty list.
      return { roots: [] };
    case 'elicitation/create':
      log.log('warn', `elicitation declined: no client call is in progress to show it to`);
      return { action: 'decline' };
    case 'sampling/createMessage':
      throw new HubRpcError(
        SERVER_UNAVAILABLE,
        `Server "${server}" asked for sampling, but no client call is in progress that could answer it`,
        { server },
      );
    default:
      throw new HubRpcError(METHOD_NOT_FOUND, `Method not found: ${method}`);
  }
}
