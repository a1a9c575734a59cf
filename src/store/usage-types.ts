/**
 * The usage store's seam: one row per proxied request, summaries grouped by model, day, client
 * or provider. The SQLite implementation (sqlite-usage-store.ts) is the default; the in-memory
 * one serves tests of other modules; a server database can implement the same interface.
 */

export interface UsageRecord {
  /** Milliseconds since the epoch, when the request arrived. */
  time: number;
  /** Who sent it (user agent or client name), when known. */
  client?: string;
  provider: string;
  /** The upstream model that answered. */
  model: string;
  /** The model name the client asked for. */
  requestModel: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** null when no price is known for the model: shown as "—", never as 0. */
  costUsd: number | null;
  latencyMs: number;
  /** HTTP status returned to the client. */
  status: number;
  stream: boolean;
  error?: string;
}

export type UsageGroupBy = 'model' | 'day' | 'client' | 'provider';

export interface UsageQuery {
  by?: UsageGroupBy;
  /** Epoch milliseconds, an ISO date (`2026-11-01`, `2026-11-01T12:00Z`) or relative (`7d`, `24h`, `30m`, `2w`). */
  since?: number | string;
  /** Epoch milliseconds (exclusive). */
  until?: number;
}

export interface UsageSummaryRow {
  /** The group: model, provider or client name, or a local date `YYYY-MM-DD`; null for requests without a client. */
  key: string | null;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Sum of the known costs; null when none of the group's requests had a known price. */
  costUsd: number | null;
  /** Requests whose cost is unknown (their cost is not in costUsd). */
  unpricedRequests: number;
  avgLatencyMs: number;
  /** Requests answered with an HTTP status of 400 or more, or that failed after starting (`error` set). */
  errors: number;
}

export interface UsageStore {
  /** Queues a row; never blocks the request path and never throws. */
  record(r: UsageRecord): void;
  /** Rows grouped as asked (pending rows included). */
  query(q: UsageQuery): UsageSummaryRow[];
  /** Writes pending rows and releases the database. */
  close(): Promise<void>;
}
