/**
 * `patchbay cost` through the real CLI (bin/patchbay.js → dist/, so build first), reading a
 * real SQLite usage store in a temporary PATCHBAY_HOME.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openUsageStore, type UsageRecord } from '../../../src/store/usage-store.js';
import { runCli } from '../../helpers/cli.js';

const HOUR = 3_600_000;
const NOW = Date.now();

function row(overrides: Partial<UsageRecord>): UsageRecord {
  return {
    time: NOW - HOUR, client: 'claude-code', provider: 'openai', model: 'gpt-4o', requestModel: 'claude-sonnet-4-5',
    inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: null,
    latencyMs: 1000, status: 200, stream: true, ...overrides,
  };
}

let home: string;
const cost = (args: string[]) => runCli(['cost', ...args], { env: { PATCHBAY_HOME: home } });

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'patchbay-cost-'));
  const store = openUsageStore(join(home, 'data', 'patchbay.db'));
  store.record(row({ inputTokens: 12_000, outputTokens: 800, cacheReadTokens: 30_000, costUsd: 0.057, latencyMs: 1200 }));
  store.record(row({ inputTokens: 8_000, outputTokens: 200, cacheWriteTokens: 4_000, costUsd: 0.043, latencyMs: 800 }));
  store.record(row({ provider: 'gemini', model: 'gemini-2.5-flash', client: 'cursor', inputTokens: 5_000, outputTokens: 1_000, costUsd: 0.004, latencyMs: 600, time: NOW - 3 * 24 * HOUR }));
  store.record(row({ provider: 'ollama', model: 'llama3.1:8b', client: undefined, inputTokens: 2_000, outputTokens: 100, costUsd: null, latencyMs: 3000 }));
  store.record(row({ provider: 'gemini', model: 'gemini-2.5-flash', status: 429, error: 'rate limited', latencyMs: 20, time: NOW - 3 * 24 * HOUR }));
  await store.close();
});

describe('patchbay cost', () => {
  it('prints a table per model with tokens, cost, latency, errors and a totals row', async () => {
    const result = await cost([]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('Usage since the first recorded request');
    expect(lines[2]).toMatch(/^Model\s+Requests\s+Input\s+Output\s+Cache read\s+Cache write\s+Cost\s+Avg latency\s+Errors$/);
    const cells = (label: string) => lines.find((l) => l.startsWith(label))!.split(/\s{2,}/);
    expect(cells('gpt-4o')).toEqual(['gpt-4o', '2', '20,000', '1,000', '30,000', '4,000', '$0.1000', '1.0 s', '0']);
    expect(cells('gemini-2.5-flash')).toEqual(['gemini-2.5-flash', '2', '5,000', '1,000', '0', '0', '$0.0040*', '310 ms', '1']);
    expect(cells('llama3.1:8b')).toEqual(['llama3.1:8b', '1', '2,000', '100', '0', '0', '—', '3.0 s', '0']);
    expect(cells('Total')).toEqual(['Total', '5', '27,000', '2,100', '30,000', '4,000', '$0.1040*', '1.1 s', '1']);
    expect(result.stdout).toContain('* 2 requests have no known price and are not in the cost');
  });

  it('groups by day, provider or client', async () => {
    const byProvider = await cost(['--by', 'provider']);
    expect(byProvider.stdout).toMatch(/^Provider\s+Requests/m);
    expect(byProvider.stdout).toMatch(/^openai\s+2\s/m);
    expect(byProvider.stdout).toMatch(/^gemini\s+2\s/m);
    const byClient = await cost(['--by', 'client']);
    expect(byClient.stdout).toMatch(/^\(no client\)\s+1\s/m);
    expect(byClient.stdout).toMatch(/^claude-code\s+3\s/m);
    const byDay = await cost(['--by', 'day', '--json']);
    const days = (JSON.parse(byDay.stdout) as { rows: Array<{ key: string; requests: number }> }).rows;
    expect(days.map((d) => d.requests)).toEqual([2, 3]);
    expect(days[0]!.key < days[1]!.key).toBe(true);
  });

  it('filters with --since', async () => {
    const result = await cost(['--since', '24h']);
    expect(result.stdout).toMatch(/^Usage since \d{4}-\d\d-\d\d \d\d:\d\d \(24h\)$/m);
    expect(result.stdout).not.toContain('gemini-2.5-flash');
    expect(result.stdout).toMatch(/^Total\s+3\s/m);
  });

  it('prints JSON with --json, keeping unknown cost as null', async () => {
    const result = await cost(['--json', '--by', 'model']);
    const report = JSON.parse(result.stdout) as { by: string; rows: Array<{ key: string; costUsd: number | null; requests: number }>; total: { requests: number; costUsd: number; unpricedRequests: number; errors: number } };
    expect(report.by).toBe('model');
    expect(report.rows.find((r) => r.key === 'llama3.1:8b')?.costUsd).toBeNull();
    expect(report.total).toMatchObject({ requests: 5, unpricedRequests: 2, errors: 1 });
    expect(report.total.costUsd).toBeCloseTo(0.104, 10);
  });

  it('says so when nothing was recorded in the window', async () => {
    const result = await cost(['--since', '2099-01-01']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('No requests recorded since 2099-01-01 00:00.\n');
  });

  it('says so when there is no usage database yet', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'patchbay-cost-empty-'));
    const result = await runCli(['cost'], { env: { PATCHBAY_HOME: empty } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`No usage recorded yet: ${join(empty, 'data', 'patchbay.db')} does not exist.`);
  });

  it('explains a bad --since or --by without a stack trace', async () => {
    const since = await cost(['--since', 'last tuesday']);
    expect(since.code).toBe(1);
    expect(since.stderr).toBe('patchbay: --since "last tuesday" is not a date or a span of time\n  Use a date (2026-11-01), a date and time (2026-11-01T09:00Z), or a span back from now: 30m, 24h, 7d, 2w.\n');
    const by = await cost(['--by', 'week']);
    expect(by.code).not.toBe(0);
    expect(by.stderr).toContain("argument 'week' is invalid. Allowed choices are model, day, client, provider.");
    expect(by.stderr).not.toMatch(/\n\s+at /);
  });
});
