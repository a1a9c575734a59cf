/**
 * The audit log in SQLite (the `audit` table of patchbay.db), behind AuditSink so producers only
 * ever call `record`. Written the way the usage store writes (src/store/sqlite-usage-store.ts):
 *
 * - `record` only queues; rows go to disk in one transaction every `flushIntervalMs` (default
 *   100 ms), at once when `maxBatch` are waiting, on `close()` (SIGTERM and SIGINT close the hub,
 *   which closes this), and from an 'exit' listener for a process that exits without closing;
 * - a failing disk never reaches the request path: rows stay queued (up to `maxQueued`, oldest
 *   dropped first) and the error is reported once;
 * - retention: rows older than `retentionDays` are deleted when the store opens and every six
 *   hours while it stays open.
 */
import { defaultDatabasePath, migrateStore, openDatabase, type SqliteDatabase } from '../../store/database.js';
import type { AuditEvent, AuditKind, AuditSink } from '../audit-sink.js';

export interface AuditQuery {
  since?: number;
  until?: number;
  client?: string;
  server?: string;
  tool?: string;
  decision?: 'allow' | 'ask' | 'deny';
  kind?: AuditKind;
  outcome?: string;
  /** Newest rows when set (returned oldest first). */
  limit?: number;
}

export interface AuditRow extends AuditEvent {
  id: number;
}

export interface AuditStore extends AuditSink {
  query(query?: AuditQuery): AuditRow[];
  /** Every matching row, oldest first, without holding them all (export). */
  iterate(query?: AuditQuery): IterableIterator<AuditRow>;
  purge(before: number): number;
  flush(): void;
  close(): Promise<void>;
}

export interface AuditStoreOptions {
  flushIntervalMs?: number;
  maxBatch?: number;
  maxQueued?: number;
  /** Days to keep (default 30); 0 keeps everything. */
  retentionDays?: number;
  onError?: (error: Error) => void;
}

const MIGRATIONS = [
  `CREATE TABLE audit (
     id INTEGER PRIMARY KEY,
     time INTEGER NOT NULL,
     kind TEXT NOT NULL,
     client TEXT,
     server TEXT,
     tool TEXT,
     decision TEXT,
     rule TEXT,
     approval_id TEXT,
     duration_ms INTEGER,
     outcome TEXT,
     result_bytes INTEGER,
     args_digest TEXT,
     args TEXT,
     detail TEXT
   );
   CREATE INDEX audit_time ON audit (time);`,
];

const COLUMNS: [keyof AuditEvent, string][] = [
  ['time', 'time'],
  ['kind', 'kind'],
  ['client', 'client'],
  ['server', 'server'],
  ['tool', 'tool'],
  ['decision', 'decision'],
  ['rule', 'rule'],
  ['approvalId', 'approval_id'],
  ['durationMs', 'duration_ms'],
  ['outcome', 'outcome'],
  ['resultBytes', 'result_bytes'],
  ['argsDigest', 'args_digest'],
  ['args', 'args'],
  ['detail', 'detail'],
];

function toRow(raw: Record<string, unknown>): AuditRow {
  const row: Record<string, unknown> = { id: raw.id };
  for (const [key, column] of COLUMNS) if (raw[column] !== null && raw[column] !== undefined) row[key] = raw[column];
  return row as unknown as AuditRow;
}

function whereOf(query: AuditQuery): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    where.push(sql);
    params.push(value);
  };
  if (query.since !== undefined) add('time >= ?', query.since);
  if (query.until !== undefined) add('time < ?', query.until);
  if (query.client !== undefined) add('client = ?', query.client);
  if (query.server !== undefined) add('server = ?', query.server);
  if (query.tool !== undefined) add('tool = ?', query.tool);
  if (query.decision !== undefined) add('decision = ?', query.decision);
  if (query.kind !== undefined) add('kind = ?', query.kind);
  if (query.outcome !== undefined) add('outcome = ?', query.outcome);
  return { sql: where.length ? ` WHERE ${where.join(' AND ')}` : '', params };
}

export function openAuditStore(file: string = defaultDatabasePath(), options: AuditStoreOptions = {}): AuditStore {
  const flushIntervalMs = options.flushIntervalMs ?? 100;
  const maxBatch = options.maxBatch ?? 512;
  const maxQueued = options.maxQueued ?? 20_000;
  const retentionDays = options.retentionDays ?? 30;
  const onError = options.onError ?? ((error: Error) => process.stderr.write(`patchbay: audit events are not being saved: ${error.message}\n`));
  const db: SqliteDatabase = openDatabase(file, { purpose: 'audit' });
  try {
    migrateStore(db, 'audit', MIGRATIONS, file);
  } catch (error) {
    db.close();
    throw error;
  }
  const insert = db.prepare(`INSERT INTO audit (${COLUMNS.map(([, c]) => c).join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
  const insertAll = db.transaction((events: AuditEvent[]) => {
    for (const e of events) insert.run(...COLUMNS.map(([key]) => (e[key] === undefined ? null : e[key])));
  });
  const purgeStatement = db.prepare('DELETE FROM audit WHERE time < ?');

  let queue: AuditEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  let failing = false;
  let closed = false;

  function flush(): void {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (queue.length === 0) return;
    const events = queue;
    queue = [];
    try {
      insertAll(events);
      failing = false;
    } catch (error) {
      queue = events.concat(queue).slice(-maxQueued);
      if (!failing) onError(error as Error);
      failing = true;
      schedule();
    }
  }

  const purgeOld = () => {
    if (retentionDays > 0) {
      try {
        purgeStatement.run(Date.now() - retentionDays * 86_400_000);
      } catch (error) {
        onError(error as Error);
      }
    }
  };
  purgeOld();
  const retention = setInterval(purgeOld, 6 * 3_600_000);
  retention.unref();

  const flushOnExit = () => {
    if (!closed) flush();
  };
  process.on('exit', flushOnExit);

  function schedule(): void {
    if (timer !== undefined) return;
    timer = setTimeout(flush, flushIntervalMs);
    timer.unref();
  }

  return {
    record(event) {
      if (closed) return;
      queue.push(event);
      if (queue.length >= maxBatch) flush();
      else schedule();
    },
    query(query = {}) {
      flush();
      const { sql, params } = whereOf(query);
      if (query.limit !== undefined) {
        const rows = db.prepare(`SELECT * FROM audit${sql} ORDER BY id DESC LIMIT ${Math.max(1, Math.floor(query.limit))}`).all(...params) as Record<string, unknown>[];
        return rows.reverse().map(toRow);
      }
      return (db.prepare(`SELECT * FROM audit${sql} ORDER BY id`).all(...params) as Record<string, unknown>[]).map(toRow);
    },
    *iterate(query = {}) {
      flush();
      const { sql, params } = whereOf(query);
      for (const raw of db.prepare(`SELECT * FROM audit${sql} ORDER BY id`).iterate(...params)) yield toRow(raw as Record<string, unknown>);
    },
    purge(before) {
      flush();
      return purgeStatement.run(before).changes;
    },
    flush,
    async close() {
      if (closed) return;
      flush();
      closed = true;
      clearInterval(retention);
      process.off('exit', flushOnExit);
      if (queue.length > 0) onError(new Error(`${queue.length} audit events could not be written to ${file}`));
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
    query: (q = {}) => (q.limit === undefined ? rows(q) : rows(q).slice(-q.limit)),
    iterate: (q = {}) => rows(q)[Symbol.iterator](),
    purge(before) {
      const kept = events.filter((e) => e.time >= before);
      const removed = events.length - kept.length;
      events.splice(0, events.length, ...kept);
      return removed;
    },
    flush: () => undefined,
    close: async () => undefined,
  };
}
