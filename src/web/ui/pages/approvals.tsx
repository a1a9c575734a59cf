/** Approvals: calls the policy holds for a person, answered once, for the session, always, or denied. */
import { api, approvals } from '../state';

export function Approvals() {
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
