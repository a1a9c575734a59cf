/**
 * Catalog: search the catalog and add an entry as a server, asking for the inputs it needs;
 * secret inputs are typed into password fields and stored in the secret store by the API
 * (`patchbay catalog add`'s core), never shown again.
 */
import { signal } from '@preact/signals';
import { api, notice, type Json } from '../state';

const query = signal('');
const found = signal<Json>({ servers: [] });
const chosen = signal<Json | undefined>(undefined);
const added = signal<Json | undefined>(undefined);

export async function loadCatalog(): Promise<void> {
  found.value = await api(`catalog?q=${encodeURIComponent(query.value)}`);
}

function AddForm({ server }: { server: Json }) {
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const inputs: Record<string, string> = {};
    for (const need of server.inputs as Json[]) {
      const value = String(form.get(`input-${need.key}`) ?? '');
      if (value !== '') inputs[need.key] = value;
    }
    const answer = await api('catalog/add', { name: server.name, as: String(form.get('as')), scope: String(form.get('scope')), inputs });
    if (!answer.error) {
      (e.target as HTMLFormElement).reset();
      added.value = answer;
      chosen.value = undefined;
      notice.value = `Added ${answer.name} to ${answer.file}`;
    }
  };
  return (
    <form aria-label={`Add ${server.name}`} onSubmit={(e) => void submit(e)}>
      <h3>Add {server.title ?? server.name}</h3>
      <p><label>Server name <input name="as" required defaultValue={server.name.split('/').pop().replace(/[^A-Za-z0-9_-]+/g, '-')} /></label></p>
      <p>
        <label>Scope{' '}
          <select name="scope">{['local', 'project', 'user', 'patchbay'].map((s) => <option value={s}>{s}</option>)}</select>
        </label>
      </p>
      {(server.inputs as Json[]).map((need) => (
        <p key={need.key}>
          <label>
            {need.key}{need.isRequired ? ' (required)' : ''}{need.isSecret ? ' (secret, kept in the secret store)' : ''}{need.description ? `: ${need.description}` : ''}{' '}
            {need.choices ? (
              <select name={`input-${need.key}`} required={need.isRequired}>{need.choices.map((c: string) => <option value={c}>{c}</option>)}</select>
            ) : (
              <input name={`input-${need.key}`} type={need.isSecret ? 'password' : 'text'} autocomplete="off" required={need.isRequired && need.default === undefined} placeholder={need.default ?? ''} />
            )}
          </label>
        </p>
      ))}
      <button type="submit">Add server</button> <button type="button" onClick={() => (chosen.value = undefined)}>Cancel</button>
    </form>
  );
}

export function Catalog() {
  const result = found.value;
  return (
    <section aria-labelledby="h-catalog">
      <h2 id="h-catalog">Catalog</h2>
      <form role="search" onSubmit={(e) => { e.preventDefault(); void loadCatalog(); }}>
        <label>Search the catalog <input type="search" value={query.value} onInput={(e) => (query.value = (e.target as HTMLInputElement).value)} /></label>{' '}
        <button type="submit">Search</button>
      </form>
      {result.source ? <p>{result.total} entries match in {result.source}{result.total > result.servers.length ? `; the first ${result.servers.length} are shown` : ''}.</p> : null}
      {added.value ? <p data-added={added.value.name}>Added {added.value.name} to {added.value.file}{added.value.secrets.length ? `; stored ${added.value.secrets.join(', ')} in ${added.value.secretStore}` : ''}.</p> : null}
      {chosen.value ? <AddForm server={chosen.value} /> : null}
      <ul>
        {(result.servers as Json[]).map((s) => (
          <li key={s.name} data-entry={s.name}>
            <b>{s.name}</b>{s.version ? ` ${s.version}` : ''} [{s.kinds.join(', ')}] {s.description}{' '}
            {s.installable ? <button type="button" aria-label={`Add ${s.name}`} onClick={() => { chosen.value = s; added.value = undefined; }}>Add</button> : <span>(no package Patchbay can run)</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
