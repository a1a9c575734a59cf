/**
 * The `patchbay cost` table (the guide's `/cost`, §8.1, for everything the proxy served):
 * requests, input, output and cache tokens, cost, average latency and errors per group, and a
 * totals row. Unknown costs are "—", never $0; a group with some unpriced requests shows the
 * known part marked with "*" and a footnote.
 */
import type { UsageGroupBy, UsageSummaryRow } from '../../store/usage-types.js';

const GROUP_TITLE: Record<UsageGroupBy, string> = { model: 'Model', day: 'Day', client: 'Client', provider: 'Provider' };

export function formatCost(row: Pick<UsageSummaryRow, 'costUsd' | 'unpricedRequests'>): string {
  if (row.costUsd === null) return '—';
  const digits = row.costUsd !== 0 && Math.abs(row.costUsd) < 1 ? 4 : 2;
  return `$${row.costUsd.toFixed(digits)}${row.unpricedRequests > 0 ? '*' : ''}`;
}

export function formatLatency(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const count = (n: number) => n.toLocaleString('en-US');

export interface CostReport {
  by: UsageGroupBy;
  /** What the window is, for the heading ("since 2026-11-16 09:00 (7d)"). */
  window: string;
  rows: UsageSummaryRow[];
  total: UsageSummaryRow;
}

export function renderCostTable(report: CostReport): string {
  const header = [GROUP_TITLE[report.by], 'Requests', 'Input', 'Output', 'Cache read', 'Cache write', 'Cost', 'Avg latency', 'Errors'];
  const line = (label: string, r: UsageSummaryRow) => [
    label, count(r.requests), count(r.inputTokens), count(r.outputTokens), count(r.cacheReadTokens), count(r.cacheWriteTokens),
    formatCost(r), formatLatency(r.avgLatencyMs), count(r.errors),
  ];
  const body = report.rows.map((r) => line(r.key ?? (report.by === 'client' ? '(no client)' : '(none)'), r));
  const table = [header, ...body, line('Total', report.total)];
  const widths = header.map((_, i) => Math.max(...table.map((cells) => cells[i]!.length)));
  // First column left-aligned (names), numbers right-aligned so digits line up.
  const render = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  const out = [`Usage ${report.window}`, '', render(header), rule, ...body.map(render), rule, render(table[table.length - 1]!)];
  if (report.total.unpricedRequests > 0) {
    const n = report.total.unpricedRequests;
    out.push('', `* ${count(n)} request${n === 1 ? ' has' : 's have'} no known price and ${n === 1 ? 'is' : 'are'} not in the cost; set it under proxy.prices in Patchbay's config.`);
  }
  return `${out.join('\n')}\n`;
}
