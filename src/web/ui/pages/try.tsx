/**
 * Try it: call a tool with a form generated from its input schema (or as raw JSON: both edit the
 * same arguments), read a resource, get a prompt; see the answer rendered and raw, the JSON-RPC
 * request and response with the time it took, and answer the server's elicitation questions.
 * Calls go through POST /ui/api/rpc, so the hub treats the page as the client "dashboard".
 */
import { signal } from '@preact/signals';
import { api, notice, onEvent, servers, type Json } from '../state';
import { initialValue, SchemaField, type Schema } from './schema-form';
import { ResultView } from './result-view';

type Kind = 'tool' | 'resource' | 'prompt';
const catalog = signal<{ tools: Json[]; prompts: Json[]; resources: Json[] }>({ tools: [], prompts: [], resources: [] });
const kind = signal<Kind>('tool');
const server = signal('');
const item = signal('');
const args = signal<unknown>({});
const raw = signal(false);
const rawText = signal('{}');
const rawError = signal('');
const answer = signal<Json | undefined>(undefined);
const showRaw = signal(false);
const busy = signal(false);
/** Questions from servers (elicitation/create) waiting for an answer here, with the answer so far. */
const questions = signal<{ id: string; params: Json; value: unknown }[]>([]);
const ASKED = 'A server asks a question: answer it on Try it';

onEvent((event) => {
  if (event.type === 'elicitation') {
    questions.value = [...questions.value, { id: event.id, params: event.params, value: initialValue(event.params.requestedSchema ?? {}) }];
    notice.value = ASKED;
  }
  if (event.type === 'elicitation_done') {
    questions.value = questions.value.filter((q) => q.id !== event.id);
    if (questions.value.length === 0 && notice.value === ASKED) notice.value = '';
  }
});

async function rpc(method: string, params: unknown = {}): Promise<Json> {
  return api('rpc', { method, params });
}

export async function loadTry(): Promise<void> {
  const [tools, prompts, resources] = await Promise.all([rpc('tools/list'), rpc('prompts/list'), rpc('resources/list')]);
  catalog.value = { tools: tools.response?.result?.tools ?? [], prompts: prompts.response?.result?.prompts ?? [], resources: resources.response?.result?.resources ?? [] };
  if (!item.value) pick(choices()[0]?.name ?? choices()[0]?.uri ?? '');
}

/** Tools and prompts carry their server's prefix (`alpha__echo`); resource URIs do not. */
function ofServer(name: string): boolean {
  const s = servers.value.find((x) => x.name === server.value);
  if (!s) return true;
  const prefix = s.prefix ?? s.name;
  return prefix === '' || name.startsWith(`${prefix}__`);
}

function choices(): Json[] {
  if (kind.value === 'tool') return catalog.value.tools.filter((t) => ofServer(t.name));
  if (kind.value === 'prompt') return catalog.value.prompts.filter((p) => ofServer(p.name));
  return catalog.value.resources;
}

/** A prompt's arguments, as the schema the form understands. */
function schemaOf(chosen: Json | undefined): Schema | undefined {
  if (!chosen) return undefined;
  if (kind.value === 'tool') return chosen.inputSchema ?? { type: 'object' };
  if (kind.value === 'prompt') {
    const list: Json[] = chosen.arguments ?? [];
    return { type: 'object', properties: Object.fromEntries(list.map((a) => [a.name, { type: 'string', description: a.description }])), required: list.filter((a) => a.required).map((a) => a.name) };
  }
  return undefined;
}

function current(): Json | undefined {
  return choices().find((c) => (c.name ?? c.uri) === item.value || c.uri === item.value);
}

function pick(name: string): void {
  item.value = name;
  const schema = schemaOf(current());
  setArgs(schema ? (initialValue(schema) ?? {}) : {});
  answer.value = undefined;
}

function setArgs(value: unknown): void {
  args.value = value;
  rawText.value = JSON.stringify(value ?? {}, null, 2);
  rawError.value = '';
}

async function run(): Promise<void> {
  const chosen = current();
  if (!chosen) return;
  if (raw.value && rawError.value) return;
  busy.value = true;
  try {
    if (kind.value === 'tool') answer.value = await rpc('tools/call', { name: chosen.name, arguments: args.value ?? {} });
    else if (kind.value === 'prompt') answer.value = await rpc('prompts/get', { name: chosen.name, arguments: args.value ?? {} });
    else answer.value = await rpc('resources/read', { uri: chosen.uri });
  } finally {
    busy.value = false;
  }
}

function Question(props: { q: { id: string; params: Json; value: unknown } }) {
  const { q } = props;
  const schema = (q.params.requestedSchema ?? { type: 'object', properties: {} }) as Schema;
  const setValue = (value: unknown) => (questions.value = questions.value.map((x) => (x.id === q.id ? { ...x, value } : x)));
  const reply = (action: 'accept' | 'decline' | 'cancel') => void api(`elicitations/${q.id}`, action === 'accept' ? { action, content: q.value ?? {} } : { action });
  return (
    <form class="question" aria-label={`Question: ${q.params.message}`} data-elicitation={q.id} onSubmit={(e) => { e.preventDefault(); reply('accept'); }}>
      <p><b>{q.params.message}</b></p>
      {q.params.mode === 'url' ? <p>Open <code>{q.params.url}</code> to answer.</p> : <SchemaField schema={schema} root={schema} value={q.value} onChange={setValue} label="Answer" path={`q-${q.id}`} required />}
      <button type="submit">Accept</button>
      <button type="button" onClick={() => reply('decline')}>Decline</button>
      <button type="button" onClick={() => reply('cancel')}>Cancel</button>
    </form>
  );
}

const KINDS: Record<Kind, string> = { tool: 'Tool', resource: 'Resource', prompt: 'Prompt' };

export function TryIt() {
  const chosen = current();
  const schema = schemaOf(chosen);
  const response = answer.value?.response;
  return (
    <section aria-labelledby="h-try">
      <h2 id="h-try">Try it</h2>
      {questions.value.length > 0 ? <section aria-label="Questions from servers">{questions.value.map((q) => <Question key={q.id} q={q} />)}</section> : null}
      <div class="pickers">
        <label for="try-kind">Kind</label>
        <select id="try-kind" value={kind.value} onChange={(e) => { kind.value = (e.target as HTMLSelectElement).value as Kind; pick(choices()[0]?.name ?? choices()[0]?.uri ?? ''); }}>
          {(Object.keys(KINDS) as Kind[]).map((k) => <option value={k}>{KINDS[k]}</option>)}
        </select>
        <label for="try-server">Server</label>
        <select id="try-server" value={server.value} onChange={(e) => { server.value = (e.target as HTMLSelectElement).value; pick(choices()[0]?.name ?? choices()[0]?.uri ?? ''); }}>
          <option value="">All servers</option>
          {servers.value.map((s) => <option value={s.name}>{s.name}</option>)}
        </select>
        <label for="try-item">{KINDS[kind.value]}</label>
        <select id="try-item" value={item.value} onChange={(e) => pick((e.target as HTMLSelectElement).value)}>
          {choices().map((c) => <option value={c.name ?? c.uri}>{kind.value === 'resource' ? `${c.name ?? c.uri} (${c.uri})` : c.name}</option>)}
        </select>
      </div>
      {chosen?.description ? <p>{chosen.description}</p> : null}
      <form aria-label="Arguments" onSubmit={(e) => { e.preventDefault(); void run(); }}>
        {schema ? (
          <>
            <label><input type="checkbox" checked={raw.value} onChange={(e) => (raw.value = (e.target as HTMLInputElement).checked)} /> Edit as raw JSON</label>
            {raw.value ? (
              <div>
                <label for="try-raw">Arguments (JSON)</label>
                <textarea id="try-raw" rows={10} cols={60} aria-invalid={rawError.value ? 'true' : undefined} aria-describedby="try-raw-error" value={rawText.value} onInput={(e) => {
                  rawText.value = (e.target as HTMLTextAreaElement).value;
                  try {
                    args.value = JSON.parse(rawText.value);
                    rawError.value = '';
                  } catch (error) {
                    rawError.value = `Not valid JSON: ${(error as Error).message}`;
                  }
                }} />
                <p id="try-raw-error" role="alert">{rawError.value}</p>
              </div>
            ) : (
              <SchemaField key={item.value} schema={schema} root={schema} value={args.value} onChange={setArgs} label="Arguments" path="args" required />
            )}
          </>
        ) : null}
        <button type="submit" disabled={!chosen || busy.value}>{kind.value === 'tool' ? 'Call tool' : kind.value === 'prompt' ? 'Get prompt' : 'Read resource'}</button>
        {busy.value ? <span role="status"> waiting for the answer…</span> : null}
      </form>
      {answer.value ? (
        <section aria-labelledby="h-answer" class="answer">
          <h3 id="h-answer">Answer in {answer.value.ms} ms</h3>
          <button type="button" aria-pressed={showRaw.value ? 'true' : 'false'} onClick={() => (showRaw.value = !showRaw.value)}>Show raw result</button>
          {response?.error ? <p role="alert" class="error">Error {response.error.code}: {response.error.message}</p> : null}
          {response?.result ? (showRaw.value ? <pre class="raw-result">{JSON.stringify(response.result, null, 2)}</pre> : <ResultView result={response.result} />) : null}
          <details>
            <summary>JSON-RPC request and response ({answer.value.ms} ms)</summary>
            <h4>Request</h4>
            <pre class="rpc-request">{JSON.stringify(answer.value.request, null, 2)}</pre>
            <h4>Response</h4>
            <pre class="rpc-response">{JSON.stringify(answer.value.response, null, 2)}</pre>
          </details>
        </section>
      ) : null}
    </section>
  );
}
