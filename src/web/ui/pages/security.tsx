/** Security: quarantined definitions with their diff against the pin, scan findings, the audit log. */
import { signal } from '@preact/signals';
import { api, type Json } from '../state';

const data = signal<Json>({ quarantined: [], findings: [], audit: [] });
const FILTERS = ['client', 'server', 'tool', 'decision', 'since'] as const;
const filters = signal<Record<string, string>>({});

export async function loadSecurity(): Promise<void> {
  const query = new URLSearchParams(Object.entries(filters.value).filter(([, v]) => v !== ''));
  const answer = await api(`security${query.size ? `?${query}` : ''}`);
  if (!answer.error) data.value = answer;
}

const lineStyle = (line: string) => (line.startsWith('+') ? { color: '#05620f' } : line.startsWith('-') ? { color: '#a01010' } : undefined);
const when = (ms: number | undefined) => (ms ? new Date(ms).toLocaleString() : '—');

function Quarantined() {
  const held: Json[] = data.value.quarantined ?? [];
  return (
    <section aria-labelledby="h-quarantine">
      <h3 id="h-quarantine">Quarantined ({held.length})</h3>
      {held.length === 0 ? <p>Nothing is quarantined: every served definition matches its pin.</p> : null}
      {held.map((q) => (
        <article key={`${q.server}/${q.kind}/${q.name}`} data-quarantined={`${q.server}/${q.name}`}>
          <h4>{q.kind} “{q.name}” of server {q.server}</h4>
          <p>{q.detail} (held since {when(q.firstSeen)}; pinned {when(q.pinnedAt)})</p>
          <pre aria-label={`Diff of ${q.name} against its pin`} tabIndex={0}>{(q.diff as string[]).map((l) => <div style={lineStyle(l)}>{l}</div>)}</pre>
          {q.findings.length ? <ul>{q.findings.map((f: Json) => <li>{f.level}: {f.message} ({f.path})</li>)}</ul> : null}
          <button type="button" onClick={() => void api(`security/pins/${encodeURIComponent(q.server)}/approve`, { name: q.name, kind: q.kind }).then(loadSecurity)}>Accept new pin for {q.name}</button>
        </article>
      ))}
    </section>
  );
}

function Findings() {
  const findings: Json[] = data.value.findings ?? [];
  return (
    <section aria-labelledby="h-findings">
      <h3 id="h-findings">Scan findings of served tools ({findings.length})</h3>
      {findings.length === 0 ? <p>Description scanning found nothing in what is served.</p> : (
        <table>
          <thead><tr><th>Level</th><th>Server</th><th>Tool</th><th>Check</th><th>Finding</th></tr></thead>
          <tbody>{findings.map((f) => <tr key={f.key}><td>{f.level}</td><td>{f.server}</td><td>{f.name}</td><td>{f.check}</td><td>{f.message}</td></tr>)}</tbody>
        </table>
      )}
    </section>
  );
}

function Audit() {
  const rows: Json[] = data.value.audit ?? [];
  const set = (k: string) => (e: Event) => (filters.value = { ...filters.value, [k]: (e.target as HTMLInputElement).value });
  return (
    <section aria-labelledby="h-audit">
      <h3 id="h-audit">Audit log</h3>
      <form onSubmit={(e) => { e.preventDefault(); void loadSecurity(); }}>
        {FILTERS.map((k) => (
          <label key={k}>
            {k}{' '}
            {k === 'decision' ? (
              <select name={k} value={filters.value[k] ?? ''} onChange={set(k)}>
                {['', 'allow', 'ask', 'deny'].map((d) => <option value={d}>{d || 'any'}</option>)}
              </select>
            ) : (
              <input name={k} value={filters.value[k] ?? ''} placeholder={k === 'since' ? '24h, 7d, 2026-01-31' : 'any'} onInput={set(k)} size={12} />
            )}{' '}
          </label>
        ))}
        <button type="submit">Filter</button>
      </form>
      <table>
        <thead><tr><th>Time</th><th>Kind</th><th>Client</th><th>Server</th><th>Tool</th><th>Decision</th><th>Outcome</th><th>Detail</th></tr></thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i} data-audit-kind={r.kind}>
              <td>{new Date(r.time).toLocaleTimeString()}</td><td>{r.kind}</td><td>{r.client ?? ''}</td><td>{r.server ?? ''}</td><td>{r.tool ?? ''}</td><td>{r.decision ?? ''}</td><td>{r.outcome ?? ''}</td>
              <td>{[r.rule, r.detail].filter(Boolean).join(' · ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 ? <p>No audit events match.</p> : null}
    </section>
  );
}

export function Security() {
  return (
    <section aria-labelledby="h-security">
      <h2 id="h-security">Security</h2>
      <p>{data.value.pins ?? 0} definitions pinned.</p>
      <Quarantined />
      <Findings />
      <Audit />
    </section>
  );
}
