/**
 * Searches made by `patchbay server search`, per UTC day and backend, with their estimated cost:
 * what the per-day cap (`--daily-cap`) counts. In Patchbay's SQLite file, so the count survives
 * a restart of the server or the hub (an in-memory counter would reset the cap with every
 * restart). `reserve` books a call's worst case before it is sent, atomically, so concurrent
 * calls cannot overshoot the cap; `settle` replaces it with what the call really used.
 * `SearchUsageStore` is the seam; openSearchUsageStore() is its SQLite implementation.
 */
import { defaultDatabasePath, migrateStore, openDatabase, type SqliteDatabase } from './database.js';

export interface SearchDay {
  searches: number;
  costUsd: number;
}

export interface SearchUsageStore {
  /** Books `searches` on `day` when the day's total (all backends) stays within `cap`; false, booking nothing, otherwise. */
  reserve(day: string, backend: string, searches: number, cap: number): boolean;
  /** Replaces a reservation of `reserved` searches by the `used` ones and their estimated USD. */
  settle(day: string, backend: string, reserved: number, used: number, costUsd: number): void;
  /** The day's searches and estimated USD, all backends. */
  day(day: string): SearchDay;
  close(): void;
}

const MIGRATIONS = [
  `CREATE TABLE search_usage (
     day TEXT NOT NULL,
     backend TEXT NOT NULL,
     searches INTEGER NOT NULL,
     cost_usd REAL NOT NULL,
     PRIMARY KEY (day, backend)
   );`,
];

/** The UTC calendar day the cap counts in (`2025-06-01`). */
export function utcDay(now = Date.now()): string {
  return new Date(now).toISOString().slice(0, 10);
}

export function openSearchUsageStore(file: string = defaultDatabasePath()): SearchUsageStore {
  const db: SqliteDatabase = openDatabase(file, { purpose: 'search usage' });
  migrateStore(db, 'search_usage', MIGRATIONS, file);
  const total = db.prepare('SELECT COALESCE(SUM(searches), 0) AS searches, COALESCE(SUM(cost_usd), 0) AS cost FROM search_usage WHERE day = ?');
  const add = db.prepare(`INSERT INTO search_usage (day, backend, searches, cost_usd) VALUES (?, ?, ?, ?)
    ON CONFLICT(day, backend) DO UPDATE SET searches = MAX(0, searches + excluded.searches), cost_usd = cost_usd + excluded.cost_usd`);

  const day = (d: string): SearchDay => {
    const row = total.get(d) as { searches: number; cost: number };
    return { searches: row.searches, costUsd: row.cost };
  };
  // IMMEDIATE: the read and the write under one write lock, also across processes.
  const reserve = db.transaction((d: string, backend: string, searches: number, cap: number): boolean => {
    if (day(d).searches + searches > cap) return false;
    add.run(d, backend, searches, 0);
    return true;
  });

  return {
    reserve: (d, backend, searches, cap) => reserve.immediate(d, backend, searches, cap),
    settle: (d, backend, reserved, used, costUsd) => { add.run(d, backend, used - reserved, costUsd); },
    day,
    close: () => db.close(),
  };
}
