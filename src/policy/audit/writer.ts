/**
 * Where the audit log's SQLite writes happen: on a worker thread of their own, so neither an
 * INSERT nor a commit nor a WAL checkpoint's fsync ever runs on the hub's event loop (measured
 * in bench/policy/hub-ab.mjs: in-thread writes were most of what the guards cost a call). The
 * hub hands over batches of row values (plain arrays, cheap to clone) and keeps each batch
 * until the thread confirms its commit, so nothing is lost between the two:
 *
 * - `close()` (SIGTERM and SIGINT close the hub, which closes this) waits for every batch;
 * - a process that exits without closing commits the unconfirmed batches synchronously from an
 *   'exit' listener; the thread publishes the last committed batch in shared memory, so only a
 *   batch committed in the very instant of the exit can be written twice, and none is lost;
 * - a thread that fails or cannot start: its batches and all later ones are written in-thread.
 */
import Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { digestOfJson } from '../args-digest.js';
import { ARGS_JSON_INDEX, DIGEST_INDEX, INSERT_SQL, type AuditValues } from './schema.js';

export interface AuditWriter {
  /** Hands a batch over; never throws. */
  write(rows: AuditValues[]): void;
  /** Resolves once every batch handed over is committed (or given up on). */
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Synchronously commits what is not confirmed yet (process 'exit'). */
  rescue(): void;
}

export interface WriterOptions {
  file: string;
  busyTimeoutMs?: number;
  /** Called once per run of failures. */
  onError: (error: Error) => void;
  /** false: write on the calling thread (tests of the thread itself, or where workers are unavailable). */
  thread?: boolean;
}

// CommonJS, run with `eval`: the worker needs no file of its own on disk, so it runs the same
// from dist/ and from the TypeScript sources under test. Batches arrive as one JSON string (a
// string is copied, an array of arrays cloned value by value: several times dearer). A row with
// the arguments' JSON text (ARGS_JSON_INDEX) gets its digest here: args-digest.ts, repeated.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { hash } = require('node:crypto');
const Database = require(workerData.sqlite);
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
db.pragma('synchronous = NORMAL');
const insert = db.prepare(workerData.sql);
const committed = new Int32Array(workerData.shared);
const ready = import(workerData.canonicalize).then((m) => m.default);
function digestOf(json, canonicalize) {
  const args = JSON.parse(json);
  let text;
  try { text = canonicalize(args == null ? {} : args); } catch { text = '!' + JSON.stringify(args); }
  return hash('sha256', text == null ? '' : text, 'hex');
}
let canonicalize;
const insertAll = db.transaction((rows) => {
  for (const row of rows) {
    if (row.length > ${ARGS_JSON_INDEX}) {
      if (row[${DIGEST_INDEX}] === null && typeof row[${ARGS_JSON_INDEX}] === 'string') row[${DIGEST_INDEX}] = digestOf(row[${ARGS_JSON_INDEX}], canonicalize);
      row.length = ${ARGS_JSON_INDEX};
    }
    insert.run(row);
  }
});
let chain = ready.then((c) => { canonicalize = c; });
parentPort.on('message', (m) => {
  chain = chain.then(() => {
    if (m.type === 'write') {
      try {
        insertAll(JSON.parse(m.json));
        Atomics.store(committed, 0, m.seq);
        parentPort.postMessage({ type: 'written', seq: m.seq });
      } catch (error) {
        parentPort.postMessage({ type: 'failed', seq: m.seq, message: String((error && error.message) || error) });
      }
    } else if (m.type === 'close') {
      db.close();
      parentPort.postMessage({ type: 'closed' });
    }
  });
});
`;

/** The row as INSERT_SQL takes it: the digest taken here if the thread did not (inline writes, rescue). */
function finish(row: AuditValues): AuditValues {
  if (row.length <= ARGS_JSON_INDEX) return row;
  const out = row.slice(0, ARGS_JSON_INDEX);
  if (out[DIGEST_INDEX] === null && typeof row[ARGS_JSON_INDEX] === 'string') out[DIGEST_INDEX] = digestOfJson(row[ARGS_JSON_INDEX] as string);
  return out;
}

function inlineInsert(file: string, busyTimeoutMs: number): { run(rows: AuditValues[]): void; close(): void } {
  let db: Database.Database | undefined;
  let insertAll: ((rows: AuditValues[]) => void) | undefined;
  return {
    run(rows) {
      if (!db) {
        db = new Database(file, { timeout: busyTimeoutMs });
        db.pragma('synchronous = NORMAL');
        const insert = db.prepare(INSERT_SQL);
        insertAll = db.transaction((batch: AuditValues[]) => {
          for (const row of batch) insert.run(finish(row));
        });
      }
      insertAll!(rows);
    },
    close() {
      db?.close();
      db = undefined;
    },
  };
}

export function createAuditWriter(options: WriterOptions): AuditWriter {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
  const inline = inlineInsert(options.file, busyTimeoutMs);
  const pending = new Map<number, AuditValues[]>();
  /** Batches no one could write yet (a locked or full disk): tried again with the next batch. */
  let retry: AuditValues[][] = [];
  let retryRows = 0;
  const MAX_RETRY_ROWS = 20_000;
  const waiters: (() => void)[] = [];
  let seq = 0;
  let failing = false;
  let worker: Worker | undefined;
  let committed: Int32Array | undefined;
  let closed: Promise<void> | undefined;

  const settle = () => {
    if (pending.size > 0) return;
    for (const wake of waiters.splice(0)) wake();
  };
  const report = (error: Error) => {
    if (!failing) options.onError(error);
    failing = true;
  };
  function keepForRetry(rows: AuditValues[]): void {
    retry.push(rows);
    retryRows += rows.length;
    while (retryRows > MAX_RETRY_ROWS && retry.length > 1) retryRows -= retry.shift()!.length;
  }
  function writeInline(rows: AuditValues[]): boolean {
    try {
      inline.run(rows);
      failing = false;
      return true;
    } catch (error) {
      report(error as Error);
      keepForRetry(rows);
      return false;
    }
  }
  function drainRetry(): void {
    if (retry.length === 0) return;
    const batches = retry;
    retry = [];
    retryRows = 0;
    for (const rows of batches) if (!writeInline(rows)) break;
  }
  /** The thread is gone: what it had not confirmed is written here, and so is everything after. */
  function abandonThread(reason: string): void {
    if (!worker) return;
    worker = undefined;
    const done = committed ? Atomics.load(committed, 0) : 0;
    for (const [n, rows] of [...pending]) {
      if (n > done) writeInline(rows);
      pending.delete(n);
    }
    if (reason) report(new Error(`the audit writer thread stopped (${reason}); writing on the main thread`));
    settle();
  }

  if (options.thread !== false) {
    try {
      const shared = new SharedArrayBuffer(4);
      committed = new Int32Array(shared);
      const require = createRequire(import.meta.url);
      const sqlite = require.resolve('better-sqlite3');
      // import.meta.resolve follows the package's "import" condition, which require.resolve cannot.
      const canonicalize = import.meta.resolve('canonicalize');
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { sqlite, canonicalize, file: options.file, busyTimeoutMs, sql: INSERT_SQL, shared } });
      worker.unref();
      worker.on('message', (m: { type: string; seq?: number; message?: string }) => {
        if (m.type === 'written') {
          pending.delete(m.seq!);
          failing = false;
          settle();
        } else if (m.type === 'failed') {
          // Keep the batch and try it here: a locked or full disk must not lose it silently.
          const rows = pending.get(m.seq!);
          pending.delete(m.seq!);
          report(new Error(m.message));
          if (rows) keepForRetry(rows);
          settle();
        }
      });
      worker.on('error', (error) => abandonThread(error.message));
      worker.on('exit', (code) => {
        if (closed === undefined) abandonThread(`exit code ${code}`);
      });
    } catch (error) {
      worker = undefined;
      report(new Error(`no writer thread (${(error as Error).message}); writing on the main thread`));
    }
  }

  return {
    write(rows) {
      if (rows.length === 0) return;
      drainRetry();
      if (!worker) {
        writeInline(rows);
        return;
      }
      const n = ++seq;
      pending.set(n, rows);
      worker.postMessage({ type: 'write', seq: n, json: JSON.stringify(rows) });
    },
    flush() {
      if (pending.size === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    close() {
      closed ??= (async () => {
        await this.flush();
        drainRetry();
        if (retryRows > 0) options.onError(new Error(`${retryRows} audit events could not be written to ${options.file}`));
        const w = worker;
        worker = undefined;
        if (w) {
          await new Promise<void>((resolve) => {
            w.once('message', (m: { type: string }) => m.type === 'closed' && resolve());
            w.once('exit', () => resolve());
            w.postMessage({ type: 'close' });
          });
          await w.terminate();
        }
        inline.close();
      })();
      return closed;
    },
    rescue() {
      abandonThread('');
      drainRetry();
      inline.close();
    },
  };
}
