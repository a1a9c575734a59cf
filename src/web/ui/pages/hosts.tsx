/** Hosts: each host app, whether it reaches the gateway, and Connect / Disconnect as `patchbay connect`. */
import { signal } from '@preact/signals';
import { api, type Json } from '../state';

export const hosts = signal<Json[]>([]);
export const loadHosts = async () => (hosts.value = (await api('hosts')).hosts ?? []);

export function Hosts() {
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
