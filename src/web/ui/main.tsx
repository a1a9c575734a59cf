/** The dashboard page: Servers, Approvals, Costs, Hosts over /ui/api/ (src/web/README.md). */
import { render } from 'preact';
import { signal } from '@preact/signals';

type Json = Record<string, any>;
const page = signal<'servers' | 'approvals' | 'costs' | 'hosts'>('servers');
const servers = signal<Json[]>([]);
const approvals = signal<Json[]>([]);
const costs = signal<Json[]>([]);
const hosts = signal<Json[]>([]);
const notice = signal('');
const loggedOut = signal(false);

async function api(path: string, body?: unknown): Promise<Json> {
  const response = await fetch(`/ui/api/${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status === 401) loggedOut.value = true;
  const data = (await response.json()) as Json;
  if (!response.ok) notice.value = data.error ?? `HTTP ${response.status}`;
  return data;
}

const loadServers = async () => (servers.value = (await api('servers')).servers ?? []);
const loadHosts = async () => (hosts.value = (await api('hosts')).hosts ?? []);
const loadCosts = async () => (costs.value = (await api('costs?by=day')).rows ?? []);

/** Live updates: SSE read with fetch, so the cookie (not a token in a URL) authenticates it. */
async function listen(): Promise<void> {
  const response = await fetch('/ui/api/events');
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
      if (!data) continue;
      const event = JSON.parse(data) as Json;
      if (event.type === 'status' || event.type === 'list_changed') void loadServers();
      if (event.type === 'approvals') {
        if (event.pending.length > approvals.value.length) notice.value = `${event.pending.length} call(s) waiting for approval`;
        approvals.value = event.pending;
      }
    }
  }
}

function Servers() {
  return (
    <section aria-labelledby="h-servers">
      <h2 id="h-servers">Servers</h2>
      <table>
        <thead><tr><th>Name</th><th>State</th><th>Transport</th><th>Era</th><th>Sandbox</th><th>Restarts</th><th>Last error</th><th>Actions</th></tr></thead>
        <tbody>
          {servers.value.map((s) => (
            <tr key={s.name} data-server={s.name}>
              <td>{s.name}</td>
              <td class="state">{s.state}</td>
              <td>{s.transport}</td>
              <td>{s.protocolVersion ?? '—'}</td>
              <td>{s.sandbox}</td>
              <td>{s.restarts}</td>
              <td>{s.reason ? `${s.reason}${s.hint ? ` → ${s.hint}` : ''}` : '—'}</td>
              <td>
                {(['start', 'stop', 'restart'] as const).map((a) => (
                  <button type="button" aria-label={`${a} ${s.name}`} onClick={() => void api(`servers/${encodeURIComponent(s.name)}/${a}`, {}).then(loadServers)}>{a}</button>
                ))}
                <details>
                  <summary>Tools ({s.tools.length + s.disabledTools.length})</summary>
                  <ul>
                    {[...s.tools.map((t: Json) => t.tool), ...s.disabledTools].map((tool: string) => (
                      <li key={tool}>
                        <label>
                          <input type="checkbox" checked={!s.disabledTools.includes(tool)} onChange={(e) => void api(`servers/${encodeURIComponent(s.name)}/enabled`, { tool, enabled: (e.target as HTMLInputElement).checked }).then(loadServers)} /> {tool}
                        </label>
                      </li>
                    ))}
                  </ul>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Approvals() {
  return (
    <section aria-labelledby="h-approvals">
      <h2 id="h-approvals">Approvals</h2>
      {approvals.value.length === 0 ? <p>Nothing is waiting for approval.</p> : null}
      <ul>
        {approvals.value.map((a) => (
          <li key={a.id} data-approval={a.id}>
            client <b>{a.client}</b> → <b>{a.exposedName}</b> (server {a.server}) <code>{a.argsPreview}</code>{' '}
            {(['once', 'session', 'always', 'deny'] as const).map((d) => (
              <button type="button" onClick={() => void api(`approvals/${a.id}`, { decision: d })}>{d === 'deny' ? 'Deny' : `Allow ${d}`}</button>
            ))}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Costs() {
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

function Hosts() {
  return (
    <section aria-labelledby="h-hosts">
      <h2 id="h-hosts">Hosts</h2>
      <ul>
        {hosts.value.map((h) => (
          <li key={h.id} data-host={h.id}>
            {h.label}: {h.connected ? 'connected' : 'not connected'} ({h.file}){' '}
            <button type="button" onClick={() => void api(`hosts/${h.id}/${h.connected ? 'disconnect' : 'connect'}`, {}).then(loadHosts)}>{h.connected ? `Disconnect ${h.label}` : `Connect ${h.label}`}</button>
          </li>
        ))}
      </ul>
    </section>
  );
}

const PAGES = { servers: Servers, approvals: Approvals, costs: Costs, hosts: Hosts };

function App() {
  if (loggedOut.value) return <main><h1>Patchbay</h1><p>Not logged in: run <code>patchbay ui</code> and open the URL it prints.</p></main>;
  const Page = PAGES[page.value];
  return (
    <>
      <header><h1>Patchbay</h1>
        <nav aria-label="Pages">
          {(Object.keys(PAGES) as (keyof typeof PAGES)[]).map((p) => (
            <button type="button" aria-current={page.value === p ? 'page' : undefined} onClick={() => { page.value = p; if (p === 'costs') void loadCosts(); if (p === 'hosts') void loadHosts(); }}>{p[0]!.toUpperCase() + p.slice(1)}</button>
          ))}
        </nav>
      </header>
      <div role="status" aria-live="polite">{notice.value}</div>
      <main><Page /></main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
void loadServers();
void listen();
