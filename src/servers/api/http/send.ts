/**
 * Sending one request: a timeout, redirects followed only within the base URL's origin and only
 * for reads (a redirect elsewhere would take the API's credentials with it; a write is never
 * repeated), and a read limit, past which the body is cut rather than buffered whole.
 */
import type { OutgoingRequest } from '../request/build.js';

export interface ApiResponse {
  status: number;
  statusText: string;
  headers: Headers;
  body: Buffer;
  /** The body was longer than the read limit and was cut there. */
  cut: boolean;
  /** The URL that answered, after same-origin redirects. */
  url: URL;
}

export interface SendOptions {
  timeoutMs: number;
  maxReadBytes: number;
  fetch?: typeof fetch;
}

const MAX_REDIRECTS = 5;

export async function sendRequest(request: OutgoingRequest, options: SendOptions): Promise<ApiResponse> {
  const doFetch = options.fetch ?? fetch;
  const headers = new Headers(request.headers);
  if (request.cookies.length > 0) headers.set('cookie', request.cookies.join('; '));
  const signal = AbortSignal.timeout(options.timeoutMs);
  let url = request.url;
  for (let hop = 0; ; hop++) {
    const response = await doFetch(url, { method: request.method, headers, body: request.body, redirect: 'manual', signal });
    const location = response.headers.get('location');
    const read = request.method === 'GET' || request.method === 'HEAD';
    if (read && location && response.status >= 300 && response.status < 400 && hop < MAX_REDIRECTS) {
      const next = new URL(location, url);
      if (next.origin === request.url.origin) {
        await response.body?.cancel();
        url = next;
        continue;
      }
    }
    const { body, cut } = await readLimited(response, options.maxReadBytes);
    return { status: response.status, statusText: response.statusText, headers: response.headers, body, cut, url };
  }
}

async function readLimited(response: Response, limit: number): Promise<{ body: Buffer; cut: boolean }> {
  if (!response.body) return { body: Buffer.alloc(0), cut: false };
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { body: Buffer.concat(chunks, size), cut: false };
    const room = limit - size;
    if (value.byteLength > room) {
      chunks.push(Buffer.from(value.buffer, value.byteOffset, room));
      await reader.cancel();
      return { body: Buffer.concat(chunks, limit), cut: true };
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    size += value.byteLength;
  }
}
