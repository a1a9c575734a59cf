/**
 * Where the proxy records usage and `patchbay cost` reads it. openUsageStore() opens the
 * SQLite store in Patchbay's data directory (`patchbay.db`); createMemoryUsageStore() is the
 * same interface in memory for tests.
 */
import { openSqliteUsageStore, type SqliteUsageStoreOptions } from './sqlite-usage-store.js';
import type { UsageStore } from './usage-types.js';

export type { UsageGroupBy, UsageQuery, UsageRecord, UsageStore, UsageSummaryRow } from './usage-types.js';
export { createMemoryUsageStore, type MemoryUsageStore } from './memory-usage-store.js';
export { defaultUsageDbPath, SCHEMA_VERSION, usageDbExists, type SqliteUsageStoreOptions } from './sqlite-usage-store.js';
export { parseSince } from './since.js';
export { totalOf } from './summarize.js';

/** Opens (creating and migrating as needed) the SQLite usage store; default file: `<data>/patchbay.db`. */
export function openUsageStore(file?: string, options?: SqliteUsageStoreOptions): UsageStore {
  return openSqliteUsageStore(file, options);
}
