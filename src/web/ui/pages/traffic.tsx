/**
 * Live traffic and logs: every JSON-RPC request through the hub, from every client, and every
 * server's log lines, as the event stream brings them (already redacted by the bus), filtered
 * by client, server, method and level. Paused, new events wait in a buffer whose size shows;
 * resumed, they appear. Heard from page load on, so opening the page shows what came before.
 */
import { signal } from '@preact/signals';
import { onEvent, type Json } from '../state';

const KEEP = 1_000;
const shown = signal<Json[]>([]);
const held = signal<Json[]>([]);
const paused = signal(false);
const filters = signal({ client: '', server: '', method: '', level: '' });

const keep = (list: Json[]) => (list.length > KEEP ? list.slice(list.length - KEEP) : list);

onEvent((event) => {
  if (event.type !== 'traffic' && event.type !== 'log') return;
  if (paused.value) held.value = keep([...held.value, event]);
  else shown.value = keep([...shown.value, event]);
});

function resume(): void {
  shown.value = keep([...shown.value, ...held.value]);
  held.value = [];
  paused.value = false;
}

const LEVELS = ['debug', 'info', 'warn', 'error'];

/** A request counts as level info, or error when it failed; a log line has no client or method. */
function matches(e: Json): boolean {
  const f = filters.value;
  const contains = (field: unknown, want: string) => want === '' || String(field ?? '').toLowerCase().includes(want.toLowerCase());
  const level = e.type === 'traffic' ? (e.error !== undefined ? 'error' : 'info') : e.level;
  return contains(e.server, f.server) && contains(e.client, f.client) && contains(e.method, f.method) && (f.level === '' || LEVELS.indexOf(level) >= LEVELS.indexOf(f.level));
}

function Filter(props: { name: keyof ReturnType<typeof filters.peek>; label: string }) {
  const id = `traffic-${props.name}`;
  return (
    <span>
      <label for={id}>{props.label}</label>
      <input id={id} type="search" value={filters.value[props.name]} onInput={(e) => (filters.value = { ...filters.value, [props.name]: (e.target as HTMLInputElement).value })} />
    </span>
  );
}

const time = (t: number) => new Date(t).toLocaleTimeString();

export function Traffic() {
  const rows = shown.value.filter(matches).reverse();
  return (
    <section aria-labelledby="h-traffic">
      <h2 id="h-traffic">Live traffic and logs</h2>
      <div class="filters" role="search" aria-label="Filter traffic and logs">
        <Filter name="client" label="Client" />
        <Filter name="server" label="Server" />
        <Filter name="method" label="Method" />
        <label for="traffic-level">Level</label>
        <select id="traffic-level" value={filters.value.level} onChange={(e) => (filters.value = { ...filters.value, level: (e.target as HTMLSelectElement).value })}>
          <option value="">All</option>
          {LEVELS.map((l) => <option value={l}>{l} and above</option>)}
        </select>
        {paused.value
          ? <button type="button" onClick={resume}>Resume ({held.value.length} new)</button>
          : <button type="button" onClick={() => (paused.value = true)}>Pause</button>}
        <button type="button" onClick={() => { shown.value = []; held.value = []; }}>Clear</button>
      </div>
      <p role="status" aria-live="polite">{paused.value ? `Paused: ${held.value.length} new event(s) waiting` : `${rows.length} of ${shown.value.length} event(s) shown`}</p>
      <table>
        <thead><tr><th>Time</th><th>Kind</th><th>Client</th><th>Server</th><th>Method or level</th><th>ms</th><th>Detail</th></tr></thead>
        <tbody>
          {rows.map((e) => e.type === 'traffic' ? (
            <tr class={`traffic${e.error ? ' error' : ''}`} data-method={e.method} data-client={e.client}>
              <td>{time(e.time)}</td><td>request</td><td>{e.client}</td><td>{e.server ?? '—'}</td><td>{e.method}</td><td>{e.ms}</td>
              <td>
                <details>
                  <summary>{e.error ? `error: ${e.error}` : 'params and result'}</summary>
                  <pre class="params">{e.params}</pre>
                  {e.result ? <pre class="result">{e.result}</pre> : null}
                </details>
              </td>
            </tr>
          ) : (
            <tr class={`log level-${e.level}`} data-server={e.server}>
              <td>{time(e.time)}</td><td>log</td><td>—</td><td>{e.server}</td><td>{e.level}</td><td></td><td><code class="message">{e.message}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
