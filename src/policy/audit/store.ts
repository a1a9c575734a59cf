/**
 * The audit log in SQLite (the `audit` table of patchbay.db, schema.ts), behind AuditSink so
 * producers only ever call `record`. Like the usage store (src/store/sqlite-usage-store.ts),
 * `record` only queues; unlike it, the rows are committed on a thread of their own (writer.ts),
 * because the hub records every call:
 *
 * - the queue goes to the writer every `flushIntervalMs` (default 100 ms) and at once when
 *   `maxBatch` events wait; `close()` hands over the rest and waits for the commit (SIGTERM and
 *   SIGINT close the hub, which closes this); an 'exit' listener commits whatever a process
 *   that exits without closing still holds;
 * - a failing disk never reaches the request path: it is reported once, and the rows are tried
 *   again with the next batch (up to 20,000);
 * - retention: rows older than `retentionDays` are deleted when the store opens and every six
 *   hours while it stays open.
 *
 * Queries read what is committed: `await flush()` first to include what is still queued.
 */
import { defaultDatabasePath, type SqliteDatabase } from '../../store/database.js';
import { digestOfJson } from '../args-digest.js';
import type { AuditEvent, AuditSink } from '../audit-sink.js';
import { openAuditDatabase, toRow, valuesOf, whereOf, type AuditQuery, type AuditRow, type AuditValues } from './schema.js';
import { createAuditWriter } from './writer.js';

export type { AuditQuery, AuditRow } from './schema.js';

/**
 * A sink that takes a call's arguments as JSON text and digests them itself, off the request
 * path (the SQLite store does it on its writer thread). The text is never stored.
 */
export interface DigestingAuditSink extends AuditSink {
  recordWithArguments(event: AuditEvent, argsJson: string): void;
}

export interface AuditStore extends DigestingAuditSink {
  query(query?: AuditQuery): AuditRow[];
  /** Every matching row, oldest first, without holding them all (export). */
  iterate(query?: AuditQuery): IterableIterator<AuditRow>;
  purge(before: number): number;
  /** Resolves once every event recorded so far is committed. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface AuditStoreOptions {
  flushIntervalMs?: number;
  maxBatch?: number;
  /** Days to keep (default 30); 0 keeps everything. */
  retentionDays?: number;
  onError?: (error: Error) => void;
  /** false: commit on the calling thread instead of the writer thread. */
  thread?: boolean;
}

export function openAuditStore(file: string = defaultDatabasePath(), options: AuditStoreOptions = {}): AuditStore {
  const flushIntervalMs = options.flushIntervalMs ?? 100;
  const maxBatch = options.maxBatch ?? 512;
  const retentionDays = options.retentionDays ?? 30;
  const onError = options.onError ?? ((error: Error) => process.stderr.write(`patchbay: audit events are not being saved: ${error.message}\n`));
  // Migrated here, on this thread, through the shared opener; the writer thread only inserts.
  const db: SqliteDatabase = openAuditDatabase(file);
  const purgeStatement = db.prepare('DELETE FROM audit WHERE time < ?');
  let writer: ReturnType<typeof createAuditWriter> | undefined;
  const writerOf = () => (writer ??= createAuditWriter({ file, onError, thread: options.thread }));

  let queue: AuditValues[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  function handOver(): void {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (queue.length === 0) return;
    const rows = queue;
    queue = [];
    writerOf().write(rows);
  }

  const purgeOld = () => {
    if (retentionDays <= 0) return;
    try {
      purgeStatement.run(Date.now() - retentionDays * 86_400_000);
    } catch (error) {
      onError(error as Error);
    }
  };
  purgeOld();
  const retention = setInterval(purgeOld, 6 * 3_600_000);
  retention.unref();

  // better-sqlite3 is synchronous, so this works inside an 'exit' listener.
  const onExit = () => {
    if (closed) return;
    handOver();
    writer?.rescue();
  };
  process.on('exit', onExit);

  function enqueue(row: AuditValues): void {
    if (closed) return;
    queue.push(row);
    if (queue.length >= maxBatch) handOver();
    else if (timer === undefined) {
      timer = setTimeout(handOver, flushIntervalMs);
      timer.unref();
    }
  }

  return {
    record: (event) => enqueue(valuesOf(event)),
    recordWithArguments: (event, argsJson) => enqueue(valuesOf(event, argsJson)),
    query(query = {}) {
      const { sql, params } = whereOf(query);
      if (query.limit !== undefined) {
        const rows = db.prepare(`SELECT * FROM audit${sql} ORDER BY id DESC LIMIT ${Math.max(1, Math.floor(query.limit))}`).all(...params) as Record<string, unknown>[];
        return rows.reverse().map(toRow);
      }
      return (db.prepare(`SELECT * FROM audit${sql} ORDER BY id`).all(...params) as Record<string, unknown>[]).map(toRow);
    },
    *iterate(query = {}) {
      const { sql, params } = whereOf(query);
      for (const raw of db.prepare(`SELECT * FROM audit${sql} ORDER BY id`).iterate(...params)) yield toRow(raw as Record<string, unknown>);
    },
    purge(before) {
      return purgeStatement.run(before).changes;
    },
    async flush() {
      handOver();
      await writer?.flush();
    },
    async close() {
      if (closed) return;
      handOver();
      closed = true;
      clearInterval(retention);
      await writer?.close();
      process.off('exit', onExit);
      db.close();
    },
  };
}

/** The same interface in memory, for tests of the parts that produce events. */
export function createMemoryAuditStore(): AuditStore & { readonly events: AuditEvent[] } {
  const events: AuditEvent[] = [];
  const matches = (e: AuditEvent, q: AuditQuery) =>
    (q.since === undefined || e.time >= q.since) && (q.until === undefined || e.time < q.until) &&
    (q.client === undefined || e.client === q.client) && (q.server === undefined || e.server === q.server) &&
    (q.tool === undefined || e.tool === q.tool) && (q.decision === undefined || e.decision === q.decision) &&
    (q.kind === undefined || e.kind === q.kind) && (q.outcome === undefined || e.outcome === q.outcome);
  const rows = (q: AuditQuery) => events.map((e, i) => ({ ...e, id: i + 1 })).filter((e) => matches(e, q));
  return {
    events,
    record: (event) => void events.push(event),
    recordWithArguments: (event, argsJson) => void events.push({ ...event, argsDigest: digestOfJson(argsJson) }),
    query: (q = {}) => (q.limit === undefined ? rows(q) : rows(q).slice(-q.limit)),
    iterate: (q = {}) => rows(q)[Symbol.iterator](),
    purge(before) {
      const kept = events.filter((e) => e.time >= before);
      const removed = events.length - kept.length;
      events.splice(0, events.length, ...kept);
      return removed;
    },
    flush: async () => undefined,
    close: async () => undefined,
  };
}
