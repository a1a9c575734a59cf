/**
 * Parameter values → URL text, by OpenAPI style (3.0.3 §4.7.12.4 "Style Values" and the
 * "Style Examples" table; Swagger 2.0 collectionFormat arrives here as a style). Every value is
 * percent-encoded as a whole (RFC 3986 §2.1): a path value `a/b?c` stays one segment
 * (`a%2Fb%3Fc`), so no argument can change which endpoint is called; only the separators the
 * style itself adds are literal. A segment that is only `.` or `..` is encoded too, since URL
 * normalisation would otherwise climb out of the templated path (RFC 3986 §5.2.4).
 */
import type { ParameterModel } from '../spec/operations.js';

type Pairs = Array<[string, string]>;

function plain(value: unknown, json: boolean): string {
  if (json || (typeof value === 'object' && value !== null)) return JSON.stringify(value);
  return String(value);
}

export function encodeValue(text: string, allowReserved = false): string {
  const encoded = allowReserved
    ? encodeURI(text).replace(/[#?&=+]/g, (c) => (c === '#' ? '%23' : c === '+' ? '%2B' : c === '&' ? '%26' : c === '=' ? '%3D' : '%3F'))
    : encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return encoded === '.' ? '%2E' : encoded === '..' ? '%2E%2E' : encoded;
}

function entriesOf(value: object): Array<[string, unknown]> {
  return Object.entries(value as Record<string, unknown>);
}

/** The text that replaces `{name}` in the path. */
export function serializePathValue(param: ParameterModel, value: unknown): string {
  const e = (v: unknown) => encodeValue(plain(v, param.json));
  const { name, style, explode } = param;
  if (param.json || (!Array.isArray(value) && (typeof value !== 'object' || value === null))) {
    if (style === 'label') return `.${e(value)}`;
    if (style === 'matrix') return `;${encodeValue(name)}=${e(value)}`;
    return e(value);
  }
  if (Array.isArray(value)) {
    const items = value.map(e);
    if (style === 'label') return `.${items.join(explode ? '.' : ',')}`;
    if (style === 'matrix') return explode ? items.map((i) => `;${encodeValue(name)}=${i}`).join('') : `;${encodeValue(name)}=${items.join(',')}`;
    return items.join(',');
  }
  const pairs = entriesOf(value).map(([k, v]) => [encodeValue(k), e(v)] as const);
  if (style === 'label') return `.${pairs.map(([k, v]) => (explode ? `${k}=${v}` : `${k},${v}`)).join(explode ? '.' : ',')}`;
  if (style === 'matrix') return explode ? pairs.map(([k, v]) => `;${k}=${v}`).join('') : `;${encodeValue(name)}=${pairs.map(([k, v]) => `${k},${v}`).join(',')}`;
  return pairs.map(([k, v]) => (explode ? `${k}=${v}` : `${k},${v}`)).join(',');
}

/** `name=value` pairs for the query string, each part already encoded. */
export function serializeQuery(param: ParameterModel, value: unknown): Pairs {
  const n = encodeValue(param.name);
  const e = (v: unknown) => encodeValue(plain(v, param.json), param.allowReserved);
  if (param.json || (!Array.isArray(value) && (typeof value !== 'object' || value === null))) return [[n, e(value)]];
  if (Array.isArray(value)) {
    const separator = { spaceDelimited: '%20', pipeDelimited: '|', tabDelimited: '%09' }[param.style as string];
    if (separator) return [[n, value.map(e).join(separator)]];
    return param.explode ? value.map((v) => [n, e(v)]) : [[n, value.map(e).join(',')]];
  }
  const pairs = entriesOf(value);
  if (param.style === 'deepObject') return pairs.map(([k, v]) => [`${n}[${encodeValue(k)}]`, e(v)]);
  if (param.explode) return pairs.map(([k, v]) => [encodeValue(k), e(v)]);
  return [[n, pairs.map(([k, v]) => `${encodeValue(k)},${e(v)}`).join(',')]];
}

/** A header value (style simple); CR and LF are refused by the caller's checks. */
export function serializeHeader(param: ParameterModel, value: unknown): string {
  if (param.json || (typeof value !== 'object' || value === null)) return plain(value, param.json);
  if (Array.isArray(value)) return value.map((v) => plain(v, false)).join(',');
  return entriesOf(value).map(([k, v]) => (param.explode ? `${k}=${plain(v, false)}` : `${k},${plain(v, false)}`)).join(',');
}

/** `name=value` for the Cookie header (style form), the value encoded. */
export function serializeCookie(param: ParameterModel, value: unknown): string {
  const text = Array.isArray(value) ? value.map((v) => plain(v, false)).join(',') : plain(value, param.json);
  return `${param.name}=${encodeValue(text)}`;
}
