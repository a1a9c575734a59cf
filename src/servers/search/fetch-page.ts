/**
 * `web_fetch(url)`: one public page as text. Every hop goes through ssrf.ts (names resolved and
 * checked, redirects followed by hand and checked again), and the connection is pinned to the
 * checked address: `lookup` hands node:http(s) that address, so nothing re-resolves the name
 * between the check and the connect (no DNS rebinding), while the Host header and TLS SNI still
 * carry the name. At most `maxBytes` are read; HTML is reduced to its text.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import { guardedFetch, type Resolver } from './ssrf.js';

export interface FetchPageOptions {
  maxBytes: number;
  timeoutMs?: number;
  resolve?: Resolver;
  /** Replaces the pinned sender (tests point a public-looking name at a loopback server). */
  send?: (url: URL, address: string, signal?: AbortSignal) => Promise<Response>;
  signal?: AbortSignal;
}

export interface FetchedPage {
  url: string;
  status: number;
  content_type: string;
  text: string;
  truncated: boolean;
}

export class FetchPageError extends Error {
  override readonly name = 'FetchPageError';
}

/** Connects to `address` (already checked) for `url`. */
export function pinnedSend(url: URL, address: string, signal?: AbortSignal): Promise<Response> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const family = isIP(address) === 6 ? 6 : 4;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'GET',
      headers: { accept: 'text/html, text/plain, application/json;q=0.9, */*;q=0.5', 'user-agent': 'patchbay-search/0.1' },
      lookup: (_host, options, callback) => {
        if ((options as { all?: boolean }).all) (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address, family }]);
        else callback(null, address, family);
      },
      ...(signal ? { signal } : {}),
    }, (res: IncomingMessage) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      const status = res.statusCode ?? 502;
      const body = status === 204 || status === 304 ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
      resolve(new Response(body, { status, headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function fetchPage(input: string, options: FetchPageOptions): Promise<FetchedPage> {
  let target: URL;
  try { target = new URL(input); } catch { throw new FetchPageError(`"${input}" is not a URL`); }
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 15_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const { url, response } = await guardedFetch(target.href, {
    send: options.send ?? pinnedSend,
    signal,
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });
  const type = response.headers.get('content-type') ?? '';
  if (type && !/^(text\/|application\/(json|xml|xhtml\+xml|[\w.+-]+\+json|[\w.+-]+\+xml))/i.test(type)) {
    await response.body?.cancel();
    throw new FetchPageError(`${url} is ${type.split(';')[0]}, not text; web_fetch returns text only`);
  }
  const { bytes, truncated } = await readCapped(response, options.maxBytes);
  const raw = new TextDecoder().decode(bytes);
  return { url, status: response.status, content_type: type.split(';')[0] ?? '', text: /html/i.test(type) || /^\s*<(!doctype|html)/i.test(raw) ? htmlText(raw) : raw, truncated };
}

async function readCapped(response: Response, maxBytes: number): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  const reader = response.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.length > maxBytes) {
      chunks.push(value.subarray(0, maxBytes - size));
      size = maxBytes;
      truncated = true;
      await reader.cancel();
      break;
    }
    chunks.push(value);
    size += value.length;
  }
  return { bytes: Buffer.concat(chunks), truncated };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The readable text of an HTML page: no scripts, styles or tags; block ends become line breaks. */
export function htmlText(html: string): string {
  return html
    .replace(/<(script|style|noscript|template|svg)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<\/?(p|div|br|li|h[1-6]|tr|section|article|header|footer|pre|blockquote)\b[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1]?.toLowerCase() === 'x' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
        return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/[ \t\f\r]+/g, ' ')
    .replace(/ *\n[\s]*/g, '\n')
    .trim();
}
