/**
 * Raw HTTP against the gateway for the transport-level tests: a request whose SSE answer is
 * parsed as it arrives (id, event, data, retry per event), so a test can read up to a point,
 * cut the connection, and look at exactly what went over the wire.
 */
import { request as httpRequest, type ClientRequest, type IncomingHttpHeaders } from 'node:http';

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
  retry?: number;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** SSE events so far (for an SSE answer). */
  events: SseEvent[];
  /** The whole body once it ended (any answer). */
  body: Promise<string>;
  /** Resolves with the first event (from the start) that matches; rejects if the body ends first. */
  until(match: (event: SseEvent, index: number) => boolean): Promise<SseEvent>;
  /** Cuts the connection from the client side. */
  destroy(): void;
}

export function send(url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<RawResponse> {
  const u = new URL(url);
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    let req: ClientRequest;
    req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method, headers: { ...(data ? { 'content-type': 'application/json' } : {}), ...headers } }, (res) => {
      const events: SseEvent[] = [];
      const waiters = new Set<() => void>();
      let ended = false;
      let text = '';
      let pending = '';
      let finish: (body: string) => void;
      const bodyPromise = new Promise<string>((r) => (finish = r));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        pending += chunk;
        let cut: number;
        while ((cut = pending.indexOf('\n\n')) >= 0) {
          const block = pending.slice(0, cut);
          pending = pending.slice(cut + 2);
          const event: SseEvent = { data: '' };
          const data: string[] = [];
          for (const line of block.split('\n')) {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') event.id = value;
            else if (field === 'event') event.event = value;
            else if (field === 'data') data.push(value);
            else if (field === 'retry') event.retry = Number(value);
          }
          event.data = data.join('\n');
          events.push(event);
        }
        for (const w of [...waiters]) w();
      });
      const done = () => {
        if (ended) return;
        ended = true;
        finish(text);
        for (const w of [...waiters]) w();
      };
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        body: bodyPromise,
        until(match) {
          return new Promise((ok, fail) => {
            const check = () => {
              const index = events.findIndex(match);
              if (index >= 0) {
                waiters.delete(check);
                ok(events[index]!);
              } else if (ended) {
                waiters.delete(check);
                fail(new Error(`the stream ended without the expected event; got ${JSON.stringify(events)}`));
              }
            };
            waiters.add(check);
            check();
          });
        },
        destroy: () => req.destroy(),
      });
    });
    req.on('error', (error) => {
      if (!req.destroyed) reject(error);
    });
    req.end(data);
  });
}

/** Polls a condition the gateway reaches on its own (a connection noticed closed, a call ended). */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, tries = 500): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting: ${what}`);
}
