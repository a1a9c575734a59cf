/**
 * Costs: spend and tokens from the usage store (the rows `patchbay cost` prints), grouped by
 * day, model, provider or client: a uPlot bar chart (spend on the left axis, tokens on the
 * right) and the same numbers as a table, which is also the chart's accessible form.
 */
import { signal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, type Json } from '../state';

const GROUPS = ['day', 'model', 'provider', 'client'] as const;
type Group = (typeof GROUPS)[number];
export const costs = signal<Json[]>([]);
const group = signal<Group>('day');

export async function loadCosts(): Promise<void> {
  costs.value = (await api(`costs?by=${group.value}`)).rows ?? [];
}

/** Small spends keep two significant digits ($0.000026), larger ones cents. */
const usd = (n: number) => (n === 0 ? '$0' : n < 1 ? `$${n.toPrecision(2)}` : `$${n.toFixed(2)}`);
const label = (key: string | null) => key ?? '(no client)';

function chartOptions(keys: string[], width: number): uPlot.Options {
  const bars = uPlot.paths.bars!({ size: [0.35, 60], align: 0 });
  return {
    width,
    height: 260,
    scales: { x: { time: false, range: [-0.6, keys.length - 0.4] }, usd: {}, tokens: {} },
    axes: [
      { splits: () => keys.map((_, i) => i), values: (_u, splits) => splits.map((i) => keys[i] ?? '') },
      { scale: 'usd', label: 'USD', values: (_u, v) => v.map(usd), size: 70 },
      { scale: 'tokens', label: 'tokens', side: 1, grid: { show: false }, size: 70 },
    ],
    series: [
      {},
      { label: 'Cost (USD)', scale: 'usd', stroke: '#1f5fa8', fill: '#1f5fa8aa', paths: bars, points: { show: false } },
      { label: 'Tokens (in + out)', scale: 'tokens', stroke: '#b35c00', fill: '#b35c00aa', paths: uPlot.paths.bars!({ size: [0.35, 60], align: 1 }), points: { show: false } },
    ],
  };
}

function Chart({ rows }: { rows: Json[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current || rows.length === 0) return;
    const keys = rows.map((r) => label(r.key));
    const data: uPlot.AlignedData = [keys.map((_, i) => i), rows.map((r) => r.costUsd ?? 0), rows.map((r) => r.inputTokens + r.outputTokens)];
    const plot = new uPlot(chartOptions(keys, Math.min(900, box.current.clientWidth || 720)), data, box.current);
    return () => plot.destroy();
  }, [rows]);
  if (rows.length === 0) return <p>No proxied requests recorded yet: requests through the model proxy land here.</p>;
  return <div ref={box} class="cost-chart" role="img" aria-label={`Cost and tokens by ${group.value}; the table below has the numbers`} />;
}

export function Costs() {
  const rows = costs.value;
  return (
    <section aria-labelledby="h-costs">
      <h2 id="h-costs">Costs by {group.value}</h2>
      <label>
        Group by{' '}
        <select value={group.value} onChange={(e) => { group.value = (e.target as HTMLSelectElement).value as Group; void loadCosts(); }}>
          {GROUPS.map((g) => <option value={g}>{g}</option>)}
        </select>
      </label>
      <Chart rows={rows} />
      <table data-costs>
        <thead><tr><th>{group.value[0]!.toUpperCase() + group.value.slice(1)}</th><th>Requests</th><th>Input tokens</th><th>Output tokens</th><th>Cost (USD)</th></tr></thead>
        <tbody>{rows.map((r) => <tr key={r.key}><td>{label(r.key)}</td><td>{r.requests}</td><td>{r.inputTokens}</td><td>{r.outputTokens}</td><td>{r.costUsd === null ? '—' : r.costUsd.toFixed(6)}</td></tr>)}</tbody>
      </table>
    </section>
  );
}
