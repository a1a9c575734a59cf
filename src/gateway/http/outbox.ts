/**
 * What the gateway writes to clients that do not read. An answer exists whole in memory once
 * the upstream sent it, so a client that asks for 30 MB and never reads pins those 30 MB; six of
 * them took the hub from 168 MB to 925 MB, because `res.end(hugeString)` kept the string and a
 * native copy of up to three times its length until the socket drained.
 *
 * - Small bodies (the hot path) are written as before: one `end`, nothing tracked.
 * - A large body is written in chunks, each after the previous one drained (`write()` returning
 *   false, then 'drain'), so what is held is the string itself and one chunk's bytes. No Buffer
 *   of the whole body is made: a malloc that large makes glibc keep such blocks in the process
 *   after they are freed, while V8 returns a large string's memory when it is collected.
 * - The unread bytes of all large answers together are capped (`maxUnreadBytes`): past it, the
 *   connection holding the most unread bytes is dropped, with a line in the log. So is one that
 *   has read nothing for `stallMs`.
 * - A long-lived stream (a session's GET stream, a POST stream, a 2026-07-28 listen stream)
 *   whose client lets more than `maxStreamUnreadBytes` pile up is dropped; a legacy session's
 *   events stay in its replay buffer (replay.ts) for when the client comes back.
 */
import type { ServerResponse } from 'node:http';

export interface OutboxOptions {
  /** Unread bytes of large answers, all connections together (default 128 MiB). */
  maxUnreadBytes?: number;
  /** A large answer none of whose bytes were read for this long is dropped (default 60 s). */
  stallMs?: number;
  /** Bytes piled up unread on one stream before it is dropped (default 16 MiB). */
  maxStreamUnreadBytes?: number;
  log?: (line: string) => void;
}

export interface Outbox {
  /** Writes a complete `application/json` answer (200) with its Content-Length. */
  answer(res: ServerResponse, body: string, extraHeaders?: Record<string, string>, status?: number): void;
  /** Writes the last data of a response and ends it. */
  end(res: ServerResponse, data: string): void;
  /** A frame on a long-lived stream; false when its client stopped reading and it was dropped. */
  write(res: ServerResponse, data: string): boolean;
  /** Unread bytes of large answers now held (diagnostics, tests). */
  readonly unreadBytes: number;
}

/** Below this many characters a body goes out in one write, as it always did. */
export const LARGE_BODY_CHARS = 256 * 1024;
const CHUNK_CHARS = 128 * 1024;

interface Pending {
  res: ServerResponse;
  data: string;
  /** Characters of `data` handed to the socket so far. */
  offset: number;
  timer?: NodeJS.Timeout;
}

export function createOutbox(options: OutboxOptions = {}): Outbox {
  const maxUnread = options.maxUnreadBytes ?? 128 * 1024 * 1024;
  const stallMs = options.stallMs ?? 60_000;
  const maxStream = options.maxStreamUnreadBytes ?? 16 * 1024 * 1024;
  const log = options.log ?? (() => undefined);
  const pending = new Set<Pending>();

  /** Bytes of this answer the client has not read (still ours, counted in characters, or queued on the socket). */
  const unreadOf = (p: Pending) => p.data.length - p.offset + p.res.writableLength;
  const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;

  function drop(p: Pending, why: string): void {
    log(`dropped a client that is not reading its answer (${mib(unreadOf(p))} unread): ${why}`);
    forget(p);
    p.res.destroy();
  }

  function forget(p: Pending): void {
    if (p.timer !== undefined) clearTimeout(p.timer);
    pending.delete(p);
  }

  function total(): number {
    let sum = 0;
    for (const p of pending) sum += unreadOf(p);
    return sum;
  }

  /** Over the cap: drop the connections holding the most, until under it. */
  function enforce(): void {
    let sum = total();
    while (sum > maxUnread && pending.size > 0) {
      let worst: Pending | undefined;
      for (const p of pending) if (worst === undefined || unreadOf(p) > unreadOf(worst)) worst = p;
      const size = unreadOf(worst!);
      drop(worst!, `the unread answers held for all clients would pass ${mib(maxUnread)}`);
      sum -= size;
    }
  }

  function armStall(p: Pending): void {
    if (p.timer !== undefined) clearTimeout(p.timer);
    p.timer = setTimeout(() => drop(p, `nothing was read for ${Math.round(stallMs / 1000)} s`), stallMs);
    p.timer.unref();
  }

  function pump(p: Pending): void {
    const { res, data } = p;
    while (p.offset < data.length) {
      if (res.destroyed) return forget(p);
      let end = Math.min(data.length, p.offset + CHUNK_CHARS);
      // Never cut a surrogate pair: each half would be written as U+FFFD.
      if (end < data.length && isHighSurrogate(data.charCodeAt(end - 1))) end--;
      const chunk = data.slice(p.offset, end);
      p.offset = end;
      if (p.offset >= data.length) {
        res.end(chunk);
        break;
      }
      if (!res.write(chunk)) {
        armStall(p);
        res.once('drain', () => pump(p));
        return;
      }
    }
    // All of it is with the socket now; what it still holds counts until 'finish' or 'close'.
    armStall(p);
  }

  function sendLarge(res: ServerResponse, data: string): void {
    const p: Pending = { res, data, offset: 0 };
    pending.add(p);
    const done = () => forget(p);
    res.once('finish', done);
    res.once('close', done);
    pump(p);
    if (pending.has(p)) enforce();
  }

  return {
    answer(res, body, extraHeaders, status = 200) {
      const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
      if (extraHeaders !== undefined) Object.assign(headers, extraHeaders);
      res.writeHead(status, headers);
      if (body.length < LARGE_BODY_CHARS) res.end(body);
      else sendLarge(res, body);
    },
    end(res, data) {
      if (data.length < LARGE_BODY_CHARS) res.end(data);
      else sendLarge(res, data);
    },
    write(res, data) {
      if (res.destroyed || res.writableEnded) return false;
      if (res.writableLength + data.length > maxStream) {
        log(`dropped a stream whose client is not reading it (${mib(res.writableLength)} unread, over the ${mib(maxStream)} limit per stream)`);
        res.destroy();
        return false;
      }
      res.write(data);
      return true;
    },
    get unreadBytes() {
      return total();
    },
  };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
