/**
 * The dashboard's view of every request routed through the hub, from any client (the gateway's
 * HTTP and stdio sessions, 2026-07-28 calls, the dashboard itself): one record per request with
 * its method, client, server, duration, error, and short redacted previews of params and result.
 * Costs nothing while nobody watches: the route is called as is.
 */
import { redactJson } from '../secrets/redact/index.js';
import type { DownstreamContext } from './types.js';

export interface TrafficRecord {
  method: string;
  client: string;
  sessionId: string;
  /** The server that answered, when the request went to one. */
  server?: string;
  ms: number;
  /** The error message, when the request failed. */
  error?: string;
  /** Redacted JSON, cut to PREVIEW_CHARS. */
  params: string;
  result?: string;
  time: number;
}

type Route = (method: string, params: unknown, context: DownstreamContext) => Promise<unknown>;
export type TrafficListener = (record: TrafficRecord) => void;

const PREVIEW_CHARS = 1_000;

/** Redacted before it is cut, so a cut cannot split a secret into a part no rule recognises. */
export function preview(value: unknown): string {
  const text = JSON.stringify(redactJson(value ?? {})) ?? '';
  return text.length <= PREVIEW_CHARS ? text : `${text.slice(0, PREVIEW_CHARS)}… (${text.length} chars)`;
}

export function createTrafficTap(serverOf: (method: string, params: unknown) => string | undefined) {
  const listeners = new Set<TrafficListener>();
  function report(record: Omit<TrafficRecord, 'server' | 'params' | 'time'>, params: unknown, result?: unknown): void {
    let server: string | undefined;
    try {
      server = serverOf(record.method, params);
    } catch {
      server = undefined;
    }
    const full: TrafficRecord = { ...record, ...(server ? { server } : {}), params: preview(params), ...(result !== undefined ? { result: preview(result) } : {}), time: Date.now() };
    for (const listener of listeners) {
      try {
        listener(full);
      } catch {
        /* a broken listener must not break the call */
      }
    }
  }
  return {
    watch(listener: TrafficListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    wrap(route: Route): Route {
      return async (method, params, context) => {
        if (listeners.size === 0) return route(method, params, context);
        const started = performance.now();
        const base = () => ({ method, client: context.client, sessionId: context.sessionId, ms: Math.round((performance.now() - started) * 10) / 10 });
        try {
          const result = await route(method, params, context);
          report(base(), params, result);
          return result;
        } catch (error) {
          report({ ...base(), error: error instanceof Error ? error.message : String(error) }, params);
          throw error;
        }
      };
    },
  };
}
