/**
 * One call to an upstream, as the hub makes it: its own timer (reset by progress, see below),
 * a listener on the caller's signal that cancels the upstream request, and an entry in the
 * server's in-flight set so the supervisor can fail it the moment the server dies instead of at
 * its timeout.
 */
import { setMaxListeners } from 'node:events';
import type { RequestOptions, UpstreamConnection } from './upstream/connection.js';
import { HubRpcError } from './types.js';
import { REQUEST_CANCELLED, REQUEST_TIMEOUT, toRpcError } from './rpc-errors.js';
import type { Logger } from './log/hub-logs.js';

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (params: Record<string, unknown>) => void;
  /** Who made the call, for routing the server's own requests back (see hub.ts). */
  owner?: unknown;
  /** The calling client's capabilities and log level, for a 2026-07-28 upstream's envelope. */
  envelope?: RequestOptions['envelope'];
  /** The calling client's name (DownstreamContext.client), for an in-process server's usage. */
  client?: string;
}

export interface InflightCall {
  owner: unknown;
  /** Rejects the call locally (the server died or stopped). */
  fail(error: HubRpcError): void;
  /** Aborts the upstream request (the SDK sends notifications/cancelled) and rejects the call. */
  cancel(why: string): void;
}

export interface UpstreamCall {
  connection: UpstreamConnection;
  server: string;
  method: string;
  params: unknown;
  call: CallOptions;
  timeoutMs: number;
  inflight: Set<InflightCall>;
  log: Logger;
}

export function callUpstream({ connection, server, method, params, call, timeoutMs, inflight, log }: UpstreamCall): Promise<unknown> {
  // The caller's signal is linked by a listener removed when the call settles: AbortSignal.any()
  // on a long-lived session signal piles up listeners (see the SDK's MaxListenersExceededWarning
  // in mcp-ecosystem-facts.md). The upstream request is cancelled through the function the
  // connection hands back (bindCancel), so a call needs no AbortController of its own.
  let cancelUpstream: ((reason: unknown) => void) | undefined;
  let cancelledWith: { reason: unknown } | undefined;
  const abortUpstream = (reason: unknown) => {
    if (cancelledWith) return;
    cancelledWith = { reason };
    cancelUpstream?.(reason);
  };
  return new Promise<unknown>((resolve, reject) => {
    let done = false;
    const entry: InflightCall = {
      owner: call.owner,
      fail: (error) => settle(() => reject(error)),
      cancel: (why) => {
        abortUpstream(new Error(why));
        settle(() => reject(new HubRpcError(REQUEST_CANCELLED, why, { server })));
      },
    };
    const onCallerAbort = () => abortUpstream(call.signal?.reason);
    const onTimeout = () => {
      log.log('warn', `${method} timed out after ${timeoutMs} ms`);
      abortUpstream(new Error('timeout'));
      settle(() =>
        reject(new HubRpcError(REQUEST_TIMEOUT, `Server "${server}" did not answer ${method} within ${timeoutMs} ms`, { server })),
      );
    };
    let timer = setTimeout(onTimeout, timeoutMs);
    // MCP 2025-11-25 "Timeouts": progress MAY reset the clock, but a maximum SHOULD hold; a
    // call that keeps reporting progress gets up to ten timeouts in all.
    const deadline = Date.now() + timeoutMs * MAX_PROGRESS_EXTENSIONS;
    const onProgress = call.onProgress
      ? (progress: Record<string, unknown>) => {
          if (!done) {
            clearTimeout(timer);
            timer = setTimeout(onTimeout, Math.max(0, Math.min(timeoutMs, deadline - Date.now())));
          }
          call.onProgress!(progress);
        }
      : undefined;
    function settle(fn: () => void): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', onCallerAbort);
      inflight.delete(entry);
      fn();
    }
    if (call.signal?.aborted) {
      entry.cancel('Request cancelled by the client');
      return;
    }
    if (call.signal) allowManyListeners(call.signal);
    call.signal?.addEventListener('abort', onCallerAbort, { once: true });
    inflight.add(entry);
    // The connection's own timeout is a backstop only: this call's timer decides.
    const bindCancel = (cancel: (reason: unknown) => void) => {
      cancelUpstream = cancel;
      if (cancelledWith) cancel(cancelledWith.reason);
    };
    connection.request(method, params, { bindCancel, timeoutMs: timeoutMs * MAX_PROGRESS_EXTENSIONS + 1_000, onProgress, ...(call.envelope ? { envelope: call.envelope } : {}), ...(call.client !== undefined ? { client: call.client } : {}) }).then(
      (result) => settle(() => resolve(result)),
      (error: unknown) =>
        settle(() =>
          reject(
            call.signal?.aborted
              ? new HubRpcError(REQUEST_CANCELLED, 'Request cancelled by the client', { server })
              : toRpcError(error, server),
          ),
        ),
    );
  });
}

const MAX_PROGRESS_EXTENSIONS = 10;

const widened = new WeakSet<AbortSignal>();

/**
 * A session's signal carries one listener per concurrent call, each removed when its call
 * settles; Node warns past 10 (MaxListenersExceededWarning) although nothing leaks. Lifting the
 * limit once per signal keeps a busy session from printing false leak warnings.
 */
function allowManyListeners(signal: AbortSignal): void {
  if (widened.has(signal)) return;
  widened.add(signal);
  setMaxListeners(0, signal);
}
