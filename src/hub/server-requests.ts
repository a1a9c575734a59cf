/**
 * Requests a server sends to its client — elicitation/create, sampling/createMessage,
 * roots/list, ping (MCP 2025-11-25 "Client Features") — go to the downstream client whose call
 * caused them. Over stdio a server's request does not say which of our calls it belongs to, so
 * the hub picks the most recent call still in flight on that server: with one call at a time
 * (what hosts do) that is exact; with several concurrent calls from different sessions it is a
 * best guess.
 *
 * When no call is in flight (roots/list at start-up or right after notifications/roots/list_changed,
 * a timer in the server) nobody caused the request. Roots describe the workspace, not a call:
 * roots/list goes to the most recently active client that declared roots and can be asked
 * outside a call (the gateway's ClientDirectory; `patchbay up` runs per project, so that is the
 * client whose workspace the hub serves), and only without one does the hub answer "no roots".
 * Elicitation and sampling stay tied to a call — a form or a model call nobody asked for must not
 * pop up in whichever client spoke last — so the hub declines them.
 */
import type { ClientDirectory, DownstreamContext, OutOfBandClient } from './types.js';
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

export interface ServerRequestRoute {
  supervisor: Supervisor;
  pending: PendingRequests;
  log: Logger;
  /** The gateway's clients, for roots/list when no call is in flight; undefined when none is attached. */
  clients(): ClientDirectory | undefined;
}

export async function routeServerRequest(route: ServerRequestRoute, method: string, params: unknown, signal: AbortSignal): Promise<unknown> {
  const { supervisor, pending, log } = route;
  if (method === 'ping') return {};
  let context: OutOfBandClient | undefined = callerOf(supervisor);
  if (context) {
    log.log('debug', `${method} routed to session ${context.sessionId}`);
  } else if (method === 'roots/list') {
    context = route.clients()?.mostRecent('roots');
    if (context) log.log('debug', `${method} outside any call: asking session ${context.sessionId}, the most recently active client with roots`);
  }
  if (!context) return answerWithoutClient(supervisor.name, method, log);
  const client = context;
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const untrack = pending.track(client.sessionId, controller);
  try {
    // A client that never answers must not pin this request once its session is gone or the
    // server gave up: the abort settles it whatever the client does.
    return await new Promise<unknown>((resolve, reject) => {
      const onCancel = () =>
        reject(new HubRpcError(REQUEST_CANCELLED, `${method} cancelled: ${String((controller.signal.reason as Error)?.message ?? 'aborted')}`));
      if (controller.signal.aborted) return onCancel();
      controller.signal.addEventListener('abort', onCancel, { once: true });
      client
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
      // No client that offers roots: no roots is the truthful answer, and servers handle an empty list.
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
