/** The SQLite store's own promises: where it lives, WAL, schema versions, queued writes, no lost rows. */
import Database from 'better-sqlite3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PatchbayError } from '../../src/errors.js';
import { defaultUsageDbPath, openUsageStore, SCHEMA_VERSION, type UsageRecord, type UsageStore } from '../../src/store/usage-store.js';

const record = (n = 0): UsageRecord => ({
  time: Date.now(), provider: 'openai', model: `gpt-4o`, requestModel: 'claude-sonnet-4-5', inputTokens: 100 + n, outputTokens: 10,
  cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.001, latencyMs: 500, status: 200, stream: false,
});
const tempDb = () => join(mkdtempSync(join(tmpdir(), 'patchbay-usage-')), 'patchbay.db');
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Rows as another process would see them, through its own connection. */
function countRows(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM usage').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const open: UsageStore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
function track(store: UsageStore): UsageStore {
  open.push(store);
  return store;
}

describe('SQLite usage store', () => {
  it('lives in the data directory by default, in WAL mode, at the current schema version', async () => {
    process.env.PATCHBAY_HOME = mkdtempSync(join(tmpdir(), 'patchbay-home-'));
    try {
      const file = defaultUsageDbPath();
      expect(file).toBe(join(process.env.PATCHBAY_HOME, 'data', 'patchbay.db'));
      const store = openUsageStore();
      store.record(record());
      await store.close();
      const db = new Database(file, { readonly: true });
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      db.close();
      expect(countRows(file)).toBe(1);
    } finally {
      delete process.env.PATCHBAY_HOME;
    }
  });

  it('does not write on the request path: rows land together on the next turn of the event loop', async () => {
    const file = tempDb();
    const store = track(openUsageStore(file));
    for (let i = 0; i < 5; i++) store.record(record(i));
    expect(countRows(file)).toBe(0);
    await nextTurn();
    expect(countRows(file)).toBe(5);
  });

  it('flushes at once when maxBatch rows are queued, and on close', async () => {
    const file = tempDb();
    const store = openUsageStore(file, { flushIntervalMs: 3_600_000, maxBatch: 3 });
    store.record(record(1));
    store.record(record(2));
    expect(countRows(file)).toBe(0);
    store.record(record(3));
    expect(countRows(file)).toBe(3);
    store.record(record(4));
    await store.close();
    expect(countRows(file)).toBe(4);
  });

  it('keeps rows across restarts', async () => {
    const file = tempDb();
    const first = openUsageStore(file);
    first.record(record());
    await first.close();
    const second = track(openUsageStore(file));
    second.record(record());
    expect(second.query({ by: 'model' })[0]?.requests).toBe(2);
  });

  it('keeps rows queued while another process holds the write lock, and writes them afterwards', async () => {
    const file = tempDb();
    await openUsageStore(file).close();
    const errors: Error[] = [];
    const store = track(openUsageStore(file, { busyTimeoutMs: 20, onError: (e) => errors.push(e) }));
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    store.record(record(1));
    store.record(record(2));
    await nextTurn();
    await nextTurn();
    expect(errors.length).toBe(1); // reported once, not per retry
    expect(errors[0]!.message).toMatch(/locked|busy/i);
    other.exec('COMMIT');
    other.close();
    store.record(record(3));
    await nextTurn();
    expect(countRows(file)).toBe(3);
  });

  it('refuses a database written by a newer Patchbay, naming the file', () => {
    const file = tempDb();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openUsageStore(file)).toThrow(PatchbayError);
    expect(() => openUsageStore(file)).toThrow(`${file} has usage schema version ${SCHEMA_VERSION + 1}, newer than this Patchbay knows (${SCHEMA_VERSION})`);
  });

  it('explains a damaged file instead of crashing', () => {
    const file = tempDb();
    writeFileSync(file, 'this is not a database, just some text that is long enough to have a header'.repeat(20));
    let error: unknown;
    try {
      openUsageStore(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PatchbayError);
    expect((error as PatchbayError).message).toContain(`cannot open the usage database ${file}`);
    expect((error as PatchbayError).hint).toMatch(/move it aside/);
  });

  it('ignores records after close instead of throwing', async () => {
    const store = openUsageStore(tempDb());
    await store.close();
    expect(() => store.record(record())).not.toThrow();
    await store.close();
  });
});

describe('SQLite usage store in a process that exits', () => {
  it('writes rows still queued when the process exits without closing the store', async () => {
    const file = tempDb();
    const { spawnSync } = await import('node:child_process');
    const script = `
      const { openUsageStore } = await import(${JSON.stringify(new URL('../../src/store/usage-store.ts', import.meta.url).href)});
      const store = openUsageStore(${JSON.stringify(file)}, { flushIntervalMs: 3600000 });
      store.record(${JSON.stringify(record())});
      store.record(${JSON.stringify(record(1))});
      process.exit(0);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: process.env, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(countRows(file)).toBe(2);
  });
});
