/** A UsageStore in memory, for tests of the proxy and anything else that records usage. */
import { summarize } from './summarize.js';
import type { UsageRecord, UsageStore } from './usage-types.js';

export interface MemoryUsageStore extends UsageStore {
  /** Every row recorded so far, oldest first. */
  readonly records: readonly UsageRecord[];
}

export function createMemoryUsageStore(): MemoryUsageStore {
  const records: UsageRecord[] = [];
  let closed = false;
  return {
    records,
    record(r) {
      if (!closed) records.push({ ...r });
    },
    query: (q) => summarize(records, q),
    async close() {
      closed = true;
    },
  };
}
