/**
 * One POST exchange's response, written lazily: it stays a plain `application/json` answer (the
 * fast path: one write, Content-Length, keep-alive) unless something related to the request
 * must reach the client before the result — a progress or log notification, or a server-to-client
 * request — in which case it becomes a `text/event-stream` at that moment (spec 2025-11-25,
 * basic/transports: "the server MUST either return Content-Type: text/event-stream … or
 * Content-Type: application/json"). The SDK's 'auto' response mode makes the same choice.
 *
 * On a legacy session that stream is resumable (replay.ts): it opens with the priming event and
 * every event carries an id. If the connection drops before the result, the call is not
 * cancelled ("disconnection SHOULD NOT be interpreted as the client cancelling its request";
 * clients cancel with notifications/cancelled): it keeps running for `graceMs`, its messages are
 * kept, and a GET with `Last-Event-ID` picks the stream up. Only when nobody comes back is the
 * call cancelled upstream. The JSON path allocates neither an id nor a buffer.
 */
import type { ServerResponse } from 'node:http';
import type { Link } from '../dispatcher.js';
import type { Outbox } from './outbox.js';
import type { FrameWriter, ReplayStream, SessionReplay } from './replay.js';
import { sseMessage } from './sse.js';

export interface Exchange extends Link {
  /** Writes the final message and ends the response; `status` applies while it is still plain JSON. */
  finish(message: string, status?: number): void;
  readonly done: boolean;
}

/** How a session's POST streams resume; one object per gateway. */
export interface ResumeSettings {
  /** How long a call whose stream dropped keeps running, waiting for the client to resume. */
  graceMs: number;
  /** The SSE `retry:` sent with the priming event (ms the client waits before reconnecting). */
  retryMs: number | undefined;
  /** Told when a dropped stream's call is cancelled because nobody resumed it. */
  onExpired?(stream: ReplayStream): void;
}

const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

export function createExchange(
  res: ServerResponse,
  canStream: boolean,
  extraHeaders: Record<string, string> | undefined,
  outbox: Outbox,
  replay?: SessionReplay,
  settings?: ResumeSettings,
): Exchange {
  let streaming = false;
  let done = false;
  let stream: ReplayStream | undefined;

  function upgrade(): boolean {
    if (done || !canStream) return false;
    // Resumable and dropped: within the grace period messages go to the stream's buffer.
    if (stream !== undefined) return !stream.dropped;
    if (res.destroyed) return false;
    if (!streaming) {
      streaming = true;
      res.writeHead(200, extraHeaders ? { ...extraHeaders, ...SSE_HEADERS } : SSE_HEADERS);
      if (replay !== undefined && settings !== undefined) {
        stream = replay.open('post');
        holdOnDrop(stream, settings, () => {
          if (done) return;
          done = true;
          exchange.onAbort?.();
        });
        if (replay.priming) res.write(stream.priming(settings.retryMs));
        carry(stream, res, 0, outbox);
      }
    }
    return true;
  }

  const exchange: Exchange = {
    get done() {
      return done;
    },
    notify(message) {
      exchange.sendRequest(message);
    },
    sendRequest(message) {
      if (!upgrade()) return false;
      if (stream !== undefined) stream.send(message);
      else return outbox.write(res, sseMessage(message));
      return true;
    },
    finish(message, status = 200) {
      if (done) return;
      done = true;
      if (stream !== undefined) {
        stream.finish(message);
        return;
      }
      if (streaming) {
        outbox.end(res, sseMessage(message));
        return;
      }
      if (res.destroyed) return;
      outbox.answer(res, message, extraHeaders, status);
    },
  };
  res.on('close', () => {
    // A resumable stream hears about its connection through carry(); the rest abort as before.
    if (!done && stream === undefined) {
      done = true;
      exchange.onAbort?.();
    }
  });
  return exchange;
}

/**
 * While a POST stream has no connection its call keeps running; after `graceMs` without a resume
 * the stream is dropped and `expire` cancels the call. Set up only once a stream exists, so the
 * JSON path pays nothing for it.
 */
function holdOnDrop(stream: ReplayStream, settings: ResumeSettings, expire: () => void): void {
  let grace: NodeJS.Timeout | undefined;
  const stop = () => {
    if (grace !== undefined) clearTimeout(grace);
    grace = undefined;
  };
  stream.hooks = {
    attached: stop,
    dropped: stop,
    detached() {
      stop();
      grace = setTimeout(() => {
        grace = undefined;
        if (stream.finished) return;
        settings.onExpired?.(stream);
        stream.drop();
        expire();
      }, settings.graceMs);
      grace.unref();
    },
  };
}

/**
 * Puts a resumable stream on a response whose SSE headers are written: replays what came after
 * `afterSeq`, then carries it live until the stream finishes or the connection closes.
 */
export function carry(stream: ReplayStream, res: ServerResponse, afterSeq: number, outbox: Outbox): { replayed: number; lost: number } {
  // A client that stops reading is dropped by the outbox; the stream keeps its events for a resume.
  const writer: FrameWriter = {
    write: (frame) => void outbox.write(res, frame),
    end: (frame) => {
      if (res.writableEnded) return;
      if (frame === undefined) res.end();
      else outbox.end(res, frame);
    },
  };
  res.on('close', () => stream.detach(writer));
  const counts = stream.attach(writer, afterSeq);
  // Closed while we were writing: 'close' may already have fired.
  if (res.destroyed) stream.detach(writer);
  return counts;
}

/** Opens a long-lived SSE stream (legacy GET stream, 2026-07-28 subscriptions/listen). */
export function openEventStream(res: ServerResponse, outbox: Outbox, headers?: Record<string, string>): { send(message: string): boolean } {
  writeStreamHead(res, headers);
  return {
    send: (message) => outbox.write(res, sseMessage(message)),
  };
}

export function writeStreamHead(res: ServerResponse, headers?: Record<string, string>): void {
  res.writeHead(200, headers ? { ...headers, ...SSE_HEADERS } : SSE_HEADERS);
  // Flush the headers now: clients wait for them before treating the stream as open.
  res.flushHeaders();
}
