/** Costs: spend and tokens from the usage store. */
import { signal } from '@preact/signals';
import { api, type Json } from '../state';

export const costs = signal<Json[]>([]);
export const loadCosts = async () => (costs.value = (await api('costs?by=day')).rows ?? []);

export function Costs() {
  return (
    <section aria-labelledby="h-costs">
      <h2 id="h-costs">Costs by day</h2>
      <table>
        <thead><tr><th>Day</th><th>Requests</th><th>Input tokens</th><th>Output tokens</th><th>Cost (USD)</th></tr></thead>
        <tbody>{costs.value.map((r) => <tr key={r.key}><td>{r.key}</td><td>{r.requests}</td><td>{r.inputTokens}</td><td>{r.outputTokens}</td><td>{r.costUsd ?? '—'}</td></tr>)}</tbody>
      </table>
    </section>
  );
}
