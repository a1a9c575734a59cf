/** Servers: state, transport, era, sandbox, restarts and last error; start/stop/restart; tool toggles. */
import { api, loadServers, servers, type Json } from '../state';

export function Servers() {
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
