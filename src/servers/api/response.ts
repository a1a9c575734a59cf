/**
 * An API's answer as a tool result a model can read: the status line, the few headers that
 * matter for what to do next (type, paging, rate limits, where a created thing lives), and the
 * body — JSON pretty-printed with two spaces, arrays longer than `maxItems` cut with a note that
 * says how many there were and which parameters page through them, the whole capped at
 * `maxBytes`. Every secret this process holds is redacted from the text, since APIs do echo keys
 * back (in error messages, in `self` links with the key in the query). 4xx and 5xx are isError.
 */
import { redactKnownSecrets, redactUrl } from '../../secrets/redact/index.js';
import type { ApiResponse } from './http/send.js';

export interface ResponseLimits {
  maxBytes: number;
  maxItems: number;
}

const SHOWN_HEADERS = ['content-type', 'location', 'link', 'retry-after', 'x-total-count', 'x-next-cursor', 'ratelimit', 'ratelimit-remaining', 'x-ratelimit-remaining', 'x-ratelimit-reset'];

export interface FormattedResponse {
  text: string;
  isError: boolean;
}

export function formatResponse(response: ApiResponse, limits: ResponseLimits, secrets: string[], pagingParams: string[]): FormattedResponse {
  const lines = [`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`];
  for (const name of SHOWN_HEADERS) {
    const value = response.headers.get(name);
    if (value) lines.push(`${name}: ${name === 'location' || name === 'link' ? redactUrl(value) : value}`);
  }
  const type = (response.headers.get('content-type') ?? '').toLowerCase();
  const notes: string[] = [];
  let body = '';
  if (response.body.length > 0) {
    if (/json/.test(type) || (!type && /^\s*[[{]/.test(response.body.toString('utf8', 0, 64)))) body = jsonBody(response, limits, notes, pagingParams);
    else if (/^text\/|xml|javascript|x-www-form-urlencoded|yaml|csv/.test(type) || type === '') body = response.body.toString('utf8');
    else body = `(${response.body.length}${response.cut ? '+' : ''} bytes of ${type}, not shown)`;
    if (response.cut && !notes.some((n) => n.includes('read limit'))) notes.push(`the body was longer than the read limit and was cut`);
  }
  let text = `${lines.join('\n')}\n\n${body}`;
  if (Buffer.byteLength(text) > limits.maxBytes) {
    text = `${cutUtf8(text, limits.maxBytes)}\n…`;
    notes.push(`output cut at ${limits.maxBytes} bytes${pagingParams.length > 0 ? `; ask for less with ${pagingParams.join(', ')}` : ''}`);
  }
  if (notes.length > 0) text += `\n\n[${notes.join('; ')}]`;
  return { text: redactKnownSecrets(text, secrets), isError: response.status >= 400 };
}

function jsonBody(response: ApiResponse, limits: ResponseLimits, notes: string[], pagingParams: string[]): string {
  const raw = response.body.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    if (response.cut) notes.push('the JSON body was longer than the read limit and was cut, so it is shown as text');
    return raw;
  }
  const cuts: string[] = [];
  const trimmed = truncateArrays(value, limits.maxItems, '$', cuts);
  if (cuts.length > 0) {
    const hint = pagingParams.length > 0 ? `; page with ${pagingParams.join(', ')}` : '; narrow the request to see the rest';
    notes.push(`arrays shortened to ${limits.maxItems} items: ${cuts.slice(0, 5).join(', ')}${cuts.length > 5 ? ', …' : ''}${hint}`);
  }
  return JSON.stringify(trimmed, null, 2);
}

export function truncateArrays(value: unknown, maxItems: number, path: string, cuts: string[]): unknown {
  if (Array.isArray(value)) {
    if (value.length > maxItems) cuts.push(`${path} (${value.length} items)`);
    return value.slice(0, maxItems).map((item, i) => truncateArrays(item, maxItems, `${path}[${i}]`, cuts));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, truncateArrays(v, maxItems, `${path}.${k}`, cuts)]));
  }
  return value;
}

function cutUtf8(text: string, maxBytes: number): string {
  const buffer = Buffer.from(text, 'utf8');
  let end = Math.min(maxBytes, buffer.length);
  while (end > 0 && (buffer[end]! & 0xc0) === 0x80) end--;
  return buffer.toString('utf8', 0, end);
}

/** Query parameters that look like paging, for the hints above. */
export function pagingParamsOf(names: string[]): string[] {
  return names.filter((n) => /^(limit|offset|page|per_?page|page_?size|pagesize|cursor|after|before|start|count|max_?results|next_?token|top|skip)$/i.test(n));
}
