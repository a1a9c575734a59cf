/** Servers: state, transport, era, sandbox, restarts and last error; start/stop/restart; the server and its tools on or off. */
import { api, loadServers, servers, type Json } from '../state';

const enabledPath = (name: string) => `servers/${encodeURIComponent(name)}/enabled`;
const setEnabled = (name: string, body: Json) => void api(enabledPath(name), body).then(loadServers);

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
                <label>
                  <input type="checkbox" aria-label={`${s.name} enabled`} checked={s.enabled} onChange={(e) => setEnabled(s.name, { enabled: (e.target as HTMLInputElement).checked })} /> enabled
                </label>
                <details>
                  <summary>Tools ({s.tools.length + s.disabledTools.length})</summary>
                  <button type="button" aria-label={`all tools of ${s.name} on`} onClick={() => setEnabled(s.name, { tools: s.disabledTools, enabled: true })}>all on</button>
                  <button type="button" aria-label={`all tools of ${s.name} off`} onClick={() => setEnabled(s.name, { tools: s.tools.map((t: Json) => t.tool), enabled: false })}>all off</button>
                  <ul>
                    {[...s.tools.map((t: Json) => t.tool), ...s.disabledTools].map((tool: string) => (
                      <li key={tool}>
                        <label>
                          <input type="checkbox" checked={!s.disabledTools.includes(tool)} onChange={(e) => setEnabled(s.name, { tool, enabled: (e.target as HTMLInputElement).checked })} /> {tool}
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
