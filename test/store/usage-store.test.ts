/**
 * Both UsageStore implementations answer the same queries the same way; the SQLite one is
 * checked on real files in the test's temporary data directory.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryUsageStore, openUsageStore, type UsageRecord, type UsageStore } from '../../src/store/usage-store.js';

const HOUR = 3_600_000;
const NOW = Date.now();

function row(overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    time: NOW - HOUR, client: 'claude-code', provider: 'openai', model: 'gpt-4o', requestModel: 'claude-sonnet-4-5',
    inputTokens: 1000, outputTokens: 200, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.0045,
    latencyMs: 800, status: 200, stream: true, ...overrides,
  };
}

const open: UsageStore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const implementations: Array<[string, () => UsageStore]> = [
  ['sqlite', () => openUsageStore(join(mkdtempSync(join(tmpdir(), 'patchbay-usage-')), 'patchbay.db'))],
  ['memory', () => createMemoryUsageStore()],
];

describe.each(implementations)('%s usage store', (_name, make) => {
  function store(rows: UsageRecord[]): UsageStore {
    const s = make();
    open.push(s);
    for (const r of rows) s.record(r);
    return s;
  }

  it('sums requests, tokens, cost, latency and errors per model, busiest first', () => {
    const s = store([
      row(),
      row({ inputTokens: 3000, outputTokens: 400, cacheReadTokens: 500, cacheWriteTokens: 100, costUsd: 0.01, latencyMs: 1200 }),
      row({ model: 'gemini-2.5-flash', provider: 'gemini', status: 429, costUsd: null, inputTokens: 0, outputTokens: 0, latencyMs: 50 }),
    ]);
    const rows = s.query({ by: 'model' });
    expect(rows.map((r) => r.key)).toEqual(['gpt-4o', 'gemini-2.5-flash']);
    expect(rows[0]).toMatchObject({ requests: 2, inputTokens: 4000, outputTokens: 600, cacheReadTokens: 500, cacheWriteTokens: 100, unpricedRequests: 0, errors: 0 });
    expect(rows[0]!.costUsd).toBeCloseTo(0.0145, 10);
    expect(rows[0]!.avgLatencyMs).toBeCloseTo(1000, 6);
    expect(rows[1]).toMatchObject({ requests: 1, errors: 1, costUsd: null, unpricedRequests: 1 });
  });

  it('keeps unknown costs apart: null when no price is known, never 0', () => {
    const s = store([row({ costUsd: null }), row({ costUsd: 0.5 }), row({ model: 'local-llama', costUsd: null })]);
    const rows = s.query({ by: 'model' });
    expect(rows.find((r) => r.key === 'gpt-4o')).toMatchObject({ costUsd: 0.5, unpricedRequests: 1 });
    expect(rows.find((r) => r.key === 'local-llama')).toMatchObject({ costUsd: null, unpricedRequests: 1 });
  });

  it('groups by provider, by client (requests without one together) and by local day', () => {
    const day = (iso: string) => new Date(`${iso}T12:00:00`).getTime();
    const s = store([
      row({ time: day('2026-11-20'), provider: 'openai' }),
      row({ time: day('2026-11-21'), provider: 'gemini', client: undefined }),
      row({ time: day('2026-11-21'), provider: 'gemini', client: 'cursor' }),
    ]);
    expect(s.query({ by: 'provider' }).map((r) => [r.key, r.requests])).toEqual([['gemini', 2], ['openai', 1]]);
    expect(s.query({ by: 'client' }).map((r) => [r.key, r.requests])).toEqual([[null, 1], ['claude-code', 1], ['cursor', 1]]);
    expect(s.query({ by: 'day' }).map((r) => [r.key, r.requests])).toEqual([['2026-11-20', 1], ['2026-11-21', 2]]);
  });

  it('counts a stream that failed after it started as an error', () => {
    const s = store([row({ status: 200, error: 'upstream closed the stream' }), row()]);
    expect(s.query({})[0]).toMatchObject({ requests: 2, errors: 1 });
  });

  it('filters by since: relative spans and ISO dates', () => {
    const s = store([row({ time: NOW - 30 * 60_000 }), row({ time: NOW - 3 * HOUR }), row({ time: NOW - 10 * 24 * HOUR })]);
    expect(s.query({ since: '1h' })[0]?.requests).toBe(1);
    expect(s.query({ since: '24h' })[0]?.requests).toBe(2);
    expect(s.query({ since: '7d' })[0]?.requests).toBe(2);
    expect(s.query({ since: new Date(NOW - 4 * HOUR).toISOString() })[0]?.requests).toBe(2);
    expect(s.query({ since: '2000-01-01' })[0]?.requests).toBe(3);
    expect(s.query({ since: NOW + HOUR })).toEqual([]);
  });

  it('rejects a since it cannot read, saying what it accepts', () => {
    const s = store([]);
    expect(() => s.query({ since: 'last tuesday' })).toThrow(/--since "last tuesday" is not a date or a span of time/);
  });
});
