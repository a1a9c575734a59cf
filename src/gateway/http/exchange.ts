/**
 * One POST exchange's response, written lazily: it stays a plain `application/json` answer (the
 * fast path: one write, Content-Length, keep-alive) unless something related to the request
 * must reach the client before the result — a progress or log notification, or a server-to-client
 * request — in which case it becomes a `text/event-stream` at that moment (spec 2025-11-25,
 * basic/transports: "the server MUST either return Content-Type: text/event-stream … or
 * Content-Type: application/json"). The SDK's 'auto' response mode makes the same choice.
 */
import type { ServerResponse } from 'node:http';
import type { Link } from '../dispatcher.js';

export interface Exchange extends Link {
  /** Writes the final message and ends the response. */
  finish(message: string): void;
  readonly done: boolean;
}

export function createExchange(res: ServerResponse, canStream: boolean, extraHeaders: Record<string, string> | undefined): Exchange {
  let streaming = false;
  let done = false;

  function upgrade(): boolean {
    if (done || !canStream || res.destroyed) return false;
    if (!streaming) {
      streaming = true;
      res.writeHead(200, { ...extraHeaders, 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    }
    return true;
  }

  const exchange: Exchange = {
    get done() {
      return done;
    },
    notify(message) {
      if (upgrade()) res.write(`event: message\ndata: ${message}\n\n`);
    },
    sendRequest(message) {
      if (!upgrade()) return false;
      res.write(`event: message\ndata: ${message}\n\n`);
      return true;
    },
    finish(message) {
      if (done) return;
      done = true;
      if (streaming) {
        res.end(`event: message\ndata: ${message}\n\n`);
        return;
      }
      if (res.destroyed) return;
      const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(message) };
      if (extraHeaders) Object.assign(headers, extraHeaders);
      res.writeHead(200, headers);
      res.end(message);
    },
  };
  res.on('close', () => {
    if (!done) {
      done = true;
      exchange.onAbort?.();
    }
  });
  return exchange;
}

/** Opens a long-lived SSE stream (legacy GET stream, 2026-07-28 subscriptions/listen). */
export function openEventStream(res: ServerResponse, headers?: Record<string, string>): { send(message: string): boolean } {
  res.writeHead(200, { ...headers, 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  // Flush the headers now: clients wait for them before treating the stream as open.
  res.flushHeaders();
  return {
    send(message) {
      if (res.destroyed || res.writableEnded) return false;
      res.write(`event: message\ndata: ${message}\n\n`);
      return true;
    },
  };
}
