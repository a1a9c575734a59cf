/** What every page shares: the API call, the live event stream, and the signals they fill. */
import { signal } from '@preact/signals';

export type Json = Record<string, any>;

export const servers = signal<Json[]>([]);
export const approvals = signal<Json[]>([]);
export const notice = signal('');
export const loggedOut = signal(false);

/** GET when there is no body, POST with JSON otherwise; a refusal shows in the status line. */
export async function api(path: string, body?: unknown): Promise<Json> {
  const response = await fetch(`/ui/api/${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status === 401) loggedOut.value = true;
  const data = (await response.json()) as Json;
  if (!response.ok) notice.value = data.error ?? `HTTP ${response.status}`;
  return data;
}

export const loadServers = async () => (servers.value = (await api('servers')).servers ?? []);

type Listener = (event: Json) => void;
const listeners = new Set<Listener>();

/** A page hears every live event while it is shown. */
export function onEvent(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function dispatch(event: Json): void {
  if (event.type === 'status' || event.type === 'list_changed') void loadServers();
  if (event.type === 'approvals') {
    if (event.pending.length > approvals.value.length) notice.value = `${event.pending.length} call(s) waiting for approval`;
    else if (event.pending.length === 0 && notice.value.endsWith('waiting for approval')) notice.value = '';
    approvals.value = event.pending;
  }
  for (const listener of listeners) listener(event);
}

/** Live updates: SSE read with fetch, so the cookie (not a token in a URL) authenticates it. */
export async function listen(): Promise<void> {
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
      if (data) dispatch(JSON.parse(data) as Json);
    }
  }
}
