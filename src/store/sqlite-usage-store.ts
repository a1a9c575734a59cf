/**
 * The usage store in SQLite (better-sqlite3): `patchbay.db` in Patchbay's data directory.
 *
 * - WAL journal, so `patchbay cost` can read while the proxy writes, and a crash loses at most
 *   the rows not yet flushed; busy_timeout rides out another process's checkpoint.
 * - The schema is versioned with `PRAGMA user_version` and migrated forward in a transaction.
 * - record() only queues: rows are written in one transaction on the next turn of the event
 *   loop (or every flushIntervalMs), at once when maxBatch rows are waiting, and on close(). A
 *   failing disk never reaches the request path: rows stay queued (up to maxQueued) and the
 *   error is reported once through onError. Rows still queued when the process exits are
 *   written from an 'exit' listener.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { PatchbayError } from '../errors.js';
import { defaultDatabasePath, openDatabase } from './database.js';
import { GROUP_BY, timeWindow } from './summarize.js';
import type { UsageGroupBy, UsageRecord, UsageStore, UsageSummaryRow } from './usage-types.js';

export interface SqliteUsageStoreOptions {
  /** 0 (default): flush on the next turn of the event loop; otherwise every N ms. */
  flushIntervalMs?: number;
  /** Flush at once when this many rows are queued (default 256). */
  maxBatch?: number;
  /** Rows kept while the database cannot be written; older ones are dropped (default 10 000). */
  maxQueued?: number;
  /** How long a write waits for another process's lock before the flush fails (default 5 s). */
  busyTimeoutMs?: number;
  onError?: (error: Error) => void;
}

/** Each entry moves the schema from version i to i + 1. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE usage (
     id INTEGER PRIMARY KEY,
     time INTEGER NOT NULL,
     client TEXT,
     provider TEXT NOT NULL,
     model TEXT NOT NULL,
     request_model TEXT NOT NULL,
     input_tokens INTEGER NOT NULL,
     output_tokens INTEGER NOT NULL,
     cache_read_tokens INTEGER NOT NULL,
     cache_write_tokens INTEGER NOT NULL,
     cost_usd REAL,
     latency_ms INTEGER NOT NULL,
     status INTEGER NOT NULL,
     stream INTEGER NOT NULL,
     error TEXT
   );
   CREATE INDEX usage_time ON usage (time);`,
];
export const SCHEMA_VERSION = MIGRATIONS.length;

const KEY_SQL: Record<UsageGroupBy, string> = {
  model: 'model',
  provider: 'provider',
  client: 'client',
  day: "date(time / 1000, 'unixepoch', 'localtime')",
};

export function defaultUsageDbPath(): string {
  return defaultDatabasePath();
}

function openUsageDatabase(file: string, busyTimeoutMs: number): Database.Database {
  const db = openDatabase(file, { busyTimeoutMs, purpose: 'usage' });
  try {
    migrate(db, file);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: Database.Database, file: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new PatchbayError('CONFIG_INVALID', `${file} has usage schema version ${version}, newer than this Patchbay knows (${SCHEMA_VERSION})`, {
      hint: 'Upgrade Patchbay, or point it at another database file.',
    });
  }
  if (version === SCHEMA_VERSION) return;
  db.transaction(() => {
    for (let v = version; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

const int = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? Math.round(n) : 0);

export function openSqliteUsageStore(file: string = defaultUsageDbPath(), options: SqliteUsageStoreOptions = {}): UsageStore {
  const flushIntervalMs = options.flushIntervalMs ?? 0;
  const maxBatch = options.maxBatch ?? 256;
  const maxQueued = options.maxQueued ?? 10_000;
  const onError = options.onError ?? ((error: Error) => process.stderr.write(`patchbay: usage is not being saved: ${error.message}\n`));

  const db = openUsageDatabase(file, options.busyTimeoutMs ?? 5000);
  const insert = db.prepare(`INSERT INTO usage (time, client, provider, model, request_model, input_tokens, output_tokens,
      cache_read_tokens, cache_write_tokens, cost_usd, latency_ms, status, stream, error)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertAll = db.transaction((rows: UsageRecord[]) => {
    for (const r of rows) {
      insert.run(int(r.time), r.client ?? null, String(r.provider), String(r.model), String(r.requestModel), int(r.inputTokens), int(r.outputTokens),
        int(r.cacheReadTokens), int(r.cacheWriteTokens), typeof r.costUsd === 'number' && Number.isFinite(r.costUsd) ? r.costUsd : null,
        int(r.latencyMs), int(r.status), r.stream ? 1 : 0, r.error ?? null);
    }
  });
  const summaries = new Map<UsageGroupBy, Database.Statement>();
  for (const by of GROUP_BY) {
    summaries.set(by, db.prepare(`SELECT ${KEY_SQL[by]} AS key, COUNT(*) AS requests,
        SUM(input_tokens) AS inputTokens, SUM(output_tokens) AS outputTokens,
        SUM(cache_read_tokens) AS cacheReadTokens, SUM(cache_write_tokens) AS cacheWriteTokens,
        SUM(cost_usd) AS costUsd, SUM(cost_usd IS NULL) AS unpricedRequests,
        AVG(latency_ms) AS avgLatencyMs, SUM(status >= 400 OR error IS NOT NULL) AS errors
      FROM usage WHERE time >= ? AND time < ?
      GROUP BY 1 ORDER BY ${by === 'day' ? 'key' : 'requests DESC, key'}`));
  }

  let queue: UsageRecord[] = [];
  let timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  let failing = false;
  let closed = false;

  function flush(): void {
    if (timer !== undefined) {
      if (flushIntervalMs > 0) clearTimeout(timer as NodeJS.Timeout);
      else clearImmediate(timer as NodeJS.Immediate);
      timer = undefined;
    }
    if (queue.length === 0) return;
    const rows = queue;
    queue = [];
    try {
      insertAll(rows);
      failing = false;
    } catch (error) {
      queue = rows.concat(queue).slice(-maxQueued); // keep the newest; try again with the next flush
      if (!failing) onError(error as Error);
      failing = true;
    }
  }

  // Rows queued when the process exits (a signal handler calling process.exit, say) are still
  // written: better-sqlite3 is synchronous, so this works inside an 'exit' listener.
  const flushOnExit = () => {
    if (!closed) flush();
  };
  process.on('exit', flushOnExit);

  function schedule(): void {
    if (timer !== undefined) return;
    timer = flushIntervalMs > 0 ? setTimeout(flush, flushIntervalMs) : setImmediate(flush);
    timer.unref();
  }

  return {
    record(r) {
      if (closed) return;
      queue.push(r);
      if (queue.length >= maxBatch) flush();
      else schedule();
    },
    query(q) {
      flush();
      const { since, until } = timeWindow(q);
      const rows = summaries.get(q.by ?? 'model')!.all(since, until) as UsageSummaryRow[];
      return rows.map((row) => ({ ...row, key: row.key === null ? null : String(row.key) }));
    },
    async close() {
      if (closed) return;
      closed = true;
      process.off('exit', flushOnExit);
      flush();
      if (queue.length > 0) onError(new Error(`${queue.length} usage rows could not be written to ${file}`));
      db.close();
    },
  };
}

export function usageDbExists(file: string = defaultUsageDbPath()): boolean {
  return existsSync(file);
}
