/**
 * A validated call → the HTTP request to send. The origin is the entry's `--base-url` and
 * nothing else: a spec's `servers` (and an operation's own), a path value or a header argument
 * cannot point the request elsewhere (values are encoded per serialize.ts; the final URL's
 * origin is checked against the base anyway). `Authorization`, `Cookie`, `Host` and the other
 * connection headers are never taken from arguments (operations.ts drops them from the schema);
 * auth/ adds credentials after this step.
 */
import { PatchbayError } from '../../../errors.js';
import type { OperationArguments } from '../input-schema.js';
import type { OperationModel } from '../spec/operations.js';
import { serializeCookie, serializeHeader, serializePathValue, serializeQuery } from './serialize.js';

export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  /** Cookie pairs (`name=value`), joined into one header when sent. */
  cookies: string[];
  body?: string | URLSearchParams | FormData;
}

export function buildRequest(operation: OperationModel, args: OperationArguments, baseUrl: URL): OutgoingRequest {
  // Some specs tell operations on one path apart with a fragment (`/cookies#formExploded`); it is
  // never sent (RFC 9110 §7.1: the fragment is not part of the target).
  let path = operation.path.replace(/#.*$/, '');
  const query: string[] = [];
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const param of operation.parameters) {
    const group = param.in === 'header' ? args.headers : param.in === 'cookie' ? args.cookies : args[param.in];
    const value = group?.[param.name];
    if (value === undefined) continue;
    if (param.in === 'path') {
      const text = serializePathValue(param, value);
      // URL parsers resolve `.`, `..` and their encodings `%2E`, `%2E%2E` (WHATWG URL, path state),
      // which would climb out of the operation's path.
      if (text.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment))) {
        throw new PatchbayError('USAGE', `path.${param.name}: "." and ".." cannot be path segments`);
      }
      path = path.split(`{${param.name}}`).join(text);
    }
    else if (param.in === 'query') for (const [k, v] of serializeQuery(param, value)) query.push(`${k}=${v}`);
    else if (param.in === 'header') {
      const text = serializeHeader(param, value);
      if (/[\r\n\0]/.test(text)) throw new PatchbayError('USAGE', `headers.${param.name}: a header value cannot hold a line break`);
      headers[param.name] = text;
    } else cookies.push(serializeCookie(param, value));
  }
  const leftover = /\{([^}]+)\}/.exec(path);
  if (leftover) throw new PatchbayError('USAGE', `path.${leftover[1]} is required`);

  const url = new URL(baseUrl.href);
  url.pathname = `${baseUrl.pathname.replace(/\/+$/, '')}${path.startsWith('/') ? '' : '/'}${path}`;
  url.search = query.join('&');
  url.hash = '';
  if (url.origin !== baseUrl.origin) throw new PatchbayError('USAGE', `the request would leave ${baseUrl.origin}; refused`);

  const request: OutgoingRequest = { method: operation.method.toUpperCase(), url, headers, cookies };
  if (operation.body && args.body !== undefined) {
    const { contentType } = operation.body;
    request.body = encodeBody(contentType, args.body);
    // FormData sets its own multipart boundary.
    if (!(request.body instanceof FormData)) headers['content-type'] = contentType;
  }
  headers.accept ??= 'application/json, */*;q=0.5';
  return request;
}

function encodeBody(contentType: string, body: unknown): string | URLSearchParams | FormData {
  const type = contentType.toLowerCase();
  if (type.includes('json')) return JSON.stringify(body);
  if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
    const form = type.startsWith('multipart') ? new FormData() : new URLSearchParams();
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
      for (const [key, value] of Object.entries(body)) {
        for (const item of Array.isArray(value) ? value : [value]) {
          if (item !== undefined) form.append(key, typeof item === 'object' && item !== null ? JSON.stringify(item) : String(item));
        }
      }
    }
    return form;
  }
  return typeof body === 'string' ? body : JSON.stringify(body);
}
