/**
 * A legacy session's SSE streams and what makes them resumable: one replay store per session
 * (replay.ts), the session's standalone GET stream ("Listening for Messages"), and the GET with
 * `Last-Event-ID` that picks a broken stream up again — a POST stream whose call is still running
 * (or finished within the retention window), or the GET stream itself (MCP 2025-11-25,
 * basic/transports, "Resumability and Redelivery").
 *
 * The GET stream is one stream for as long as its client keeps resuming it: while its connection
 * is down, notifications go to the session's backlog (kept for the replay) and server requests
 * go elsewhere (they need an answer now). A GET without Last-Event-ID starts a new stream and
 * forgets the old one: the spec forbids replaying one stream's messages on another.
 */
import type { ServerResponse } from 'node:http';
import type { Dispatcher } from '../dispatcher.js';
import type { MessageSink, Session } from '../session.js';
import { carry, writeStreamHead, type ResumeSettings } from './exchange.js';
import type { Outbox } from './outbox.js';
import { createSessionReplay, DEFAULT_REPLAY_LIMITS, type ReplayLimits, type ReplayStream, type SessionReplay } from './replay.js';

export interface ResumeOptions extends ReplayLimits {
  /** How long a call whose POST stream dropped keeps running for the client to resume (default 60 s). */
  graceMs: number;
  /** The SSE `retry:` field sent when a stream opens, in ms (default 1,000; undefined: none). */
  retryMs: number | undefined;
}

export const DEFAULT_RESUME_OPTIONS: ResumeOptions = { ...DEFAULT_REPLAY_LIMITS, graceMs: 60_000, retryMs: 1_000 };

/** The first revision with the priming event; older clients may choke on an event with empty data. */
const PRIMING_SINCE = '2025-11-25';

export interface SessionStreamsOptions {
  resume?: Partial<ResumeOptions>;
  dispatcher: Dispatcher;
  outbox: Outbox;
  log(line: string): void;
}

export type GetOutcome = 'opened' | 'resumed' | 'conflict';

export interface SessionStreams {
  /** For POST exchanges: how a dropped stream waits and what it sends first. */
  readonly settings: ResumeSettings;
  /** A legacy session began (after initialize, when its protocol version is known). */
  begin(session: Session): void;
  replayOf(sessionId: string): SessionReplay | undefined;
  /** The session ended: its buffers and timers go. */
  end(sessionId: string): void;
  /** A GET on the session: resumes what `lastEventId` names, or opens the standalone stream. */
  open(session: Session, lastEventId: string | undefined, res: ServerResponse): GetOutcome;
}

export function createSessionStreams(options: SessionStreamsOptions): SessionStreams {
  const resume = { ...DEFAULT_RESUME_OPTIONS, ...options.resume };
  const { dispatcher, log, outbox } = options;
  const replays = new Map<string, SessionReplay>();
  /** Each session's current standalone GET stream. */
  const standalone = new WeakMap<Session, ReplayStream>();

  const settings: ResumeSettings = {
    graceMs: resume.graceMs,
    retryMs: resume.retryMs,
    onExpired: (stream) => log(`stream ${stream.id} dropped and was not resumed within ${resume.graceMs} ms: cancelling its call upstream`),
  };

  function openStandalone(session: Session, replay: SessionReplay, res: ServerResponse): void {
    const previous = standalone.get(session);
    if (previous !== undefined) previous.drop();
    const stream = replay.open('get');
    standalone.set(session, stream);
    const sink: MessageSink = {
      send(message) {
        if (stream.dropped) return false;
        stream.send(message);
        return true;
      },
    };
    stream.hooks = {
      attached() {
        session.sink = sink;
        if (session.backlog === sink) session.backlog = undefined;
        dispatcher.streamOpened(session);
      },
      detached() {
        if (session.sink === sink) session.sink = undefined;
        session.backlog = sink;
      },
      dropped() {
        if (session.sink === sink) session.sink = undefined;
        if (session.backlog === sink) session.backlog = undefined;
        if (standalone.get(session) === stream) standalone.delete(session);
      },
    };
    writeStreamHead(res, { 'mcp-session-id': session.id });
    if (replay.priming) res.write(stream.priming(resume.retryMs));
    carry(stream, res, 0, outbox);
  }

  return {
    settings,
    begin(session) {
      replays.set(session.id, createSessionReplay(resume, session.protocolVersion >= PRIMING_SINCE));
    },
    replayOf: (sessionId) => replays.get(sessionId),
    end(sessionId) {
      replays.get(sessionId)?.close();
      replays.delete(sessionId);
    },
    open(session, lastEventId, res) {
      let replay = replays.get(session.id);
      if (replay === undefined) {
        // stdio's session and sessions begun before this module existed have none; give one.
        replay = createSessionReplay(resume, session.protocolVersion >= PRIMING_SINCE);
        replays.set(session.id, replay);
      }
      if (lastEventId !== undefined && lastEventId !== '') {
        const found = replay.resolve(lastEventId);
        if (found !== undefined) {
          writeStreamHead(res, { 'mcp-session-id': session.id });
          const { replayed, lost } = carry(found.stream, res, found.seq, outbox);
          if (lost > 0) log(`session ${session.id}: stream ${found.stream.id} resumed after ${lastEventId}, but ${lost} event(s) after it were past the replay limits and are lost; ${replayed} replayed`);
          return 'resumed';
        }
        // Spec: the server MAY replay; an id it cannot honour gets a fresh stream, never another stream's messages.
        log(`session ${session.id}: Last-Event-ID "${lastEventId.slice(0, 64)}" names no stream the gateway still holds (expired or unknown); opening a fresh stream`);
      }
      if (session.sink !== undefined) return 'conflict';
      openStandalone(session, replay, res);
      return 'opened';
    },
  };
}
