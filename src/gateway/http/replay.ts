/**
 * The replay side of SSE resumability (MCP 2025-11-25, basic/transports, "Resumability and
 * Redelivery"). Every event the gateway writes on a legacy session's SSE stream gets an id
 * `<stream>-<seq>`, unique in the session, and is kept here, so a client whose connection broke
 * can GET with `Last-Event-ID` and receive what it missed on *that* stream — never another
 * stream's messages (the spec's MUST NOT) — and then the rest of it live.
 *
 * Bounded per session: at most `maxEvents` events and `maxBytes` bytes, the oldest dropped first
 * (across the session's streams, so one chatty stream cannot pin memory); a finished stream, or
 * a GET stream whose connection is gone, is kept `retentionMs` and then forgotten. Nothing here
 * knows about HTTP: a connection is a FrameWriter.
 */
import { sseMessage } from './sse.js';

export interface ReplayLimits {
  /** Events kept per session, all streams together (default 1,000). */
  maxEvents: number;
  /** Bytes of framed events kept per session (default 4 MiB). */
  maxBytes: number;
  /** How long a finished stream, or a GET stream without a connection, stays resumable (default 5 min). */
  retentionMs: number;
}

export const DEFAULT_REPLAY_LIMITS: ReplayLimits = { maxEvents: 1_000, maxBytes: 4 * 1024 * 1024, retentionMs: 300_000 };

/** The connection currently carrying a stream. */
export interface FrameWriter {
  write(frame: string): void;
  end(frame?: string): void;
}

/** What the owner of a stream hears about it (the POST exchange, the session's GET stream). */
export interface StreamHooks {
  attached?(): void;
  detached?(): void;
  dropped?(): void;
}

export interface ReplayStream {
  readonly id: number;
  readonly kind: 'post' | 'get';
  readonly attached: boolean;
  readonly finished: boolean;
  readonly dropped: boolean;
  hooks: StreamHooks | undefined;
  /** The priming event (2025-11-25): an id and empty data, so a client can resume before any message. */
  priming(retryMs: number | undefined): string;
  /** Frames a message with the next id, keeps it, and writes it to the connection if one is attached. */
  send(message: string): void;
  /** The stream's last message (a POST's result): sent like `send`, then the connection ends. */
  finish(message: string): void;
  /**
   * Carries the stream on a connection: the events after `afterSeq` are replayed first, then it
   * goes live (a finished stream ends the connection after the replay). A connection already
   * attached is ended (the client gave it up: spec, a resuming client's other copy is dead).
   * `lost` counts events after `afterSeq` that the limits had already dropped.
   */
  attach(writer: FrameWriter, afterSeq: number): { replayed: number; lost: number };
  /** The connection went away; events keep being stored for a later attach. */
  detach(writer: FrameWriter): void;
  /** Forgets the stream's events now; an attached connection still gets the rest live. */
  drop(): void;
}

export interface SessionReplay {
  /** Sessions whose protocol has the priming event (2025-11-25 and later) send it. */
  readonly priming: boolean;
  open(kind: 'post' | 'get'): ReplayStream;
  /** The stream and position a Last-Event-ID names, if that stream is still kept. */
  resolve(lastEventId: string): { stream: ReplayStream; seq: number } | undefined;
  streams(): IterableIterator<ReplayStream>;
  readonly events: number;
  readonly bytes: number;
  /** Drops every stream and timer (the session ended). */
  close(): void;
}

interface Entry {
  stream: StreamState;
  seq: number;
  frame: string;
  bytes: number;
}

interface StreamState extends ReplayStream {
  lastSeq: number;
  /** Highest seq the limits dropped (0: none). */
  evictedThrough: number;
  writer: FrameWriter | undefined;
  timer: NodeJS.Timeout | undefined;
}

const EVENT_ID = /^(\d+)-(\d+)$/;

export function createSessionReplay(limits: ReplayLimits, priming: boolean): SessionReplay {
  const streams = new Map<number, StreamState>();
  // One queue for the whole session in write order, so "oldest first" holds across streams;
  // a head index instead of Array#shift, compacted once half of it is spent.
  let entries: Entry[] = [];
  let head = 0;
  let bytes = 0;
  let nextStream = 0;

  function store(stream: StreamState, seq: number, frame: string): void {
    const size = Buffer.byteLength(frame);
    entries.push({ stream, seq, frame, bytes: size });
    bytes += size;
    while (entries.length - head > limits.maxEvents || (bytes > limits.maxBytes && entries.length > head)) {
      const old = entries[head]!;
      entries[head++] = undefined as unknown as Entry;
      bytes -= old.bytes;
      old.stream.evictedThrough = old.seq;
    }
    if (head > 256 && head * 2 > entries.length) {
      entries = entries.slice(head);
      head = 0;
    }
  }

  function forget(stream: StreamState): void {
    if (stream.timer) clearTimeout(stream.timer);
    stream.timer = undefined;
    if (stream.dropped) return;
    (stream as { dropped: boolean }).dropped = true;
    streams.delete(stream.id);
    const kept: Entry[] = [];
    for (let i = head; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.stream === stream) bytes -= entry.bytes;
      else kept.push(entry);
    }
    entries = kept;
    head = 0;
    stream.hooks?.dropped?.();
  }

  function retain(stream: StreamState): void {
    if (stream.timer) clearTimeout(stream.timer);
    stream.timer = setTimeout(() => forget(stream), limits.retentionMs);
    stream.timer.unref();
  }

  function frameOf(stream: StreamState, message: string): string {
    const seq = ++stream.lastSeq;
    const frame = sseMessage(message, `${stream.id}-${seq}`);
    if (!stream.dropped) store(stream, seq, frame);
    return frame;
  }

  function open(kind: 'post' | 'get'): ReplayStream {
    const stream: StreamState = {
      id: ++nextStream,
      kind,
      finished: false,
      dropped: false,
      hooks: undefined,
      lastSeq: 0,
      evictedThrough: 0,
      writer: undefined,
      timer: undefined,
      get attached() {
        return stream.writer !== undefined;
      },
      priming(retryMs) {
        return `id: ${stream.id}-0\n${retryMs === undefined ? '' : `retry: ${retryMs}\n`}data: \n\n`;
      },
      send(message) {
        if (stream.finished) return;
        const frame = frameOf(stream, message);
        stream.writer?.write(frame);
      },
      finish(message) {
        if (stream.finished) return;
        const frame = frameOf(stream, message);
        (stream as { finished: boolean }).finished = true;
        const writer = stream.writer;
        stream.writer = undefined;
        writer?.end(frame);
        if (!stream.dropped) retain(stream);
      },
      attach(writer, afterSeq) {
        const previous = stream.writer;
        stream.writer = undefined;
        previous?.end();
        if (stream.timer && !stream.finished) {
          clearTimeout(stream.timer);
          stream.timer = undefined;
        }
        let replayed = 0;
        for (let i = head; i < entries.length; i++) {
          const entry = entries[i]!;
          if (entry.stream === stream && entry.seq > afterSeq) {
            writer.write(entry.frame);
            replayed++;
          }
        }
        const lost = Math.max(0, stream.evictedThrough - afterSeq);
        if (stream.finished) writer.end();
        else {
          stream.writer = writer;
          stream.hooks?.attached?.();
        }
        return { replayed, lost };
      },
      detach(writer) {
        if (stream.writer !== writer) return;
        stream.writer = undefined;
        if (stream.finished || stream.dropped) return;
        // A GET stream has no end of its own: kept while its client may come back. A POST
        // stream's owner decides (the call keeps running for a grace period).
        if (stream.kind === 'get') retain(stream);
        stream.hooks?.detached?.();
      },
      drop() {
        forget(stream);
      },
    };
    streams.set(stream.id, stream);
    return stream;
  }

  return {
    priming,
    open,
    resolve(lastEventId) {
      const match = EVENT_ID.exec(lastEventId.trim());
      if (!match) return undefined;
      const stream = streams.get(Number(match[1]));
      const seq = Number(match[2]);
      if (stream === undefined || seq > stream.lastSeq) return undefined;
      return { stream, seq };
    },
    streams: () => streams.values(),
    get events() {
      return entries.length - head;
    },
    get bytes() {
      return bytes;
    },
    close() {
      for (const stream of [...streams.values()]) forget(stream);
      entries = [];
      head = 0;
      bytes = 0;
    },
  };
}
