/**
 * Grouping rules shared by every UsageStore implementation, so the SQLite store and the
 * in-memory one answer the same query with the same rows in the same order.
 */
import { parseSince } from './since.js';
import type { UsageGroupBy, UsageQuery, UsageRecord, UsageSummaryRow } from './usage-types.js';

export const GROUP_BY: readonly UsageGroupBy[] = ['model', 'day', 'client', 'provider'];

/** Resolved time window: [since, until). */
export function timeWindow(query: UsageQuery, now: number = Date.now()): { since: number; until: number } {
  return { since: query.since === undefined ? 0 : parseSince(query.since, now), until: query.until ?? Number.MAX_SAFE_INTEGER };
}

/** Local calendar day of an epoch-ms time, `YYYY-MM-DD` (SQLite: date(t/1000,'unixepoch','localtime')). */
export function localDay(time: number): string {
  const d = new Date(time);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function groupKey(record: UsageRecord, by: UsageGroupBy): string | null {
  switch (by) {
    case 'day': return localDay(record.time);
    case 'client': return record.client ?? null;
    case 'provider': return record.provider;
    default: return record.model;
  }
}

/** An error status, or a failure after a 200 was sent (a stream that broke midway). */
export function isError(record: Pick<UsageRecord, 'status' | 'error'>): boolean {
  return record.status >= 400 || (record.error !== undefined && record.error !== null);
}

/** Days in calendar order; everything else busiest first, then by name (no client first). */
export function compareRows(by: UsageGroupBy): (a: UsageSummaryRow, b: UsageSummaryRow) => number {
  const byKey = (a: UsageSummaryRow, b: UsageSummaryRow) => (a.key === b.key ? 0 : a.key === null ? -1 : b.key === null ? 1 : a.key < b.key ? -1 : 1);
  return by === 'day' ? byKey : (a, b) => b.requests - a.requests || byKey(a, b);
}

/** Aggregates records in memory (the in-memory store, and totals for reports). */
export function summarize(records: Iterable<UsageRecord>, query: UsageQuery, now: number = Date.now()): UsageSummaryRow[] {
  const by = query.by ?? 'model';
  const { since, until } = timeWindow(query, now);
  const groups = new Map<string | null, UsageSummaryRow & { latencyTotal: number }>();
  for (const r of records) {
    if (r.time < since || r.time >= until) continue;
    const key = groupKey(r, by);
    let g = groups.get(key);
    if (!g) {
      g = { key, requests: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: null, unpricedRequests: 0, avgLatencyMs: 0, errors: 0, latencyTotal: 0 };
      groups.set(key, g);
    }
    g.requests++;
    g.inputTokens += r.inputTokens;
    g.outputTokens += r.outputTokens;
    g.cacheReadTokens += r.cacheReadTokens;
    g.cacheWriteTokens += r.cacheWriteTokens;
    if (r.costUsd === null) g.unpricedRequests++;
    else g.costUsd = (g.costUsd ?? 0) + r.costUsd;
    g.latencyTotal += r.latencyMs;
    if (isError(r)) g.errors++;
  }
  return [...groups.values()]
    .map(({ latencyTotal, ...row }) => ({ ...row, avgLatencyMs: row.requests > 0 ? latencyTotal / row.requests : 0 }))
    .sort(compareRows(by));
}

/** One row adding up a summary (key null), for a report's totals line. */
export function totalOf(rows: readonly UsageSummaryRow[]): UsageSummaryRow {
  const total: UsageSummaryRow = { key: null, requests: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: null, unpricedRequests: 0, avgLatencyMs: 0, errors: 0 };
  let latency = 0;
  for (const r of rows) {
    total.requests += r.requests;
    total.inputTokens += r.inputTokens;
    total.outputTokens += r.outputTokens;
    total.cacheReadTokens += r.cacheReadTokens;
    total.cacheWriteTokens += r.cacheWriteTokens;
    if (r.costUsd !== null) total.costUsd = (total.costUsd ?? 0) + r.costUsd;
    total.unpricedRequests += r.unpricedRequests;
    total.errors += r.errors;
    latency += r.avgLatencyMs * r.requests;
  }
  total.avgLatencyMs = total.requests > 0 ? latency / total.requests : 0;
  return total;
}
