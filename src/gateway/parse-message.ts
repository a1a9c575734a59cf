/**
 * One client message from its text, for every transport (HTTP body, stdio line): parsed once,
 * classified, and refused at the gateway — with the JSON-RPC error that says what is wrong —
 * when it is not something an upstream should ever see (JSON-RPC 2.0,
 * https://www.jsonrpc.org/specification):
 * - no `"jsonrpc": "2.0"`, or an id that is neither a string nor a number: -32600;
 * - params that are not a structured value (§4.2): -32600;
 * - params (or a response's result) nested deeper than MAX_DEPTH: serialising them for the
 *   upstream would overflow the stack, and the error would read as the server's fault. -32602.
 * A numeric id that JSON.parse cannot hold exactly keeps its text for the answer (RawId).
 * The checks cost a type test per object in params, nothing per string byte.
 */
import {
  classify,
  INVALID_PARAMS,
  INVALID_REQUEST,
  PARSE_ERROR,
  RawId,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
  type ResponseId,
} from './jsonrpc.js';
import { topLevelScalar } from '../hub/json-scan.js';

/** Deeper than any tool argument a person writes; far below what JSON.stringify can recurse. */
export const MAX_DEPTH = 256;

export type ParsedMessage =
  | { kind: 'request'; message: JsonRpcRequest; /** The id to answer with (exact digits). */ id: ResponseId }
  | { kind: 'notification'; message: JsonRpcNotification }
  | { kind: 'response'; message: JsonRpcResponse }
  /** Refused: answer `errorResponse(id, code, error)` (HTTP 400). */
  | { kind: 'error'; code: number; error: string; id: ResponseId };

export function parseClientMessage(text: string): ParsedMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'error', code: PARSE_ERROR, error: 'Parse error: the message is not valid JSON', id: null };
  }
  const kind = classify(value);
  const m = value as Record<string, unknown>;
  if (kind === 'invalid') return { kind: 'error', code: INVALID_REQUEST, error: whyInvalid(value), id: echoableId(m, text) };
  if (kind === 'response') {
    const deep = tooDeepAt(m.result ?? m.error, 'result');
    if (deep) return { kind: 'error', code: INVALID_REQUEST, error: `Invalid Request: the response is nested more than ${MAX_DEPTH} levels deep (${deep})`, id: null };
    return { kind, message: value as JsonRpcResponse };
  }
  const id = kind === 'request' ? exactId(m.id as string | number, text) : null;
  const params = m.params;
  if (params !== undefined && params !== null && typeof params !== 'object') {
    return { kind: 'error', code: INVALID_REQUEST, error: `Invalid Request: "params" must be an object, not ${typeof params}`, id };
  }
  const deep = tooDeepAt(params, 'params');
  if (deep) {
    return { kind: 'error', code: INVALID_PARAMS, error: `Invalid params: nested more than ${MAX_DEPTH} levels deep (${deep}); Patchbay does not forward such a message`, id };
  }
  return kind === 'request' ? { kind, message: value as JsonRpcRequest, id } : { kind, message: value as JsonRpcNotification };
}

function whyInvalid(value: unknown): string {
  if (typeof value !== 'object' || value === null) return 'Invalid Request: a message must be a JSON object';
  if (Array.isArray(value)) return 'Invalid Request: JSON-RPC batches are not supported (removed in MCP 2025-06-18); send one message per request';
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== '2.0') return `Invalid Request: "jsonrpc" must be "2.0"${m.jsonrpc === undefined ? ' and is missing' : `, not ${JSON.stringify(m.jsonrpc)}`}`;
  if (typeof m.method === 'string') return 'Invalid Request: "id" must be a string or a number';
  return 'Invalid Request: not a JSON-RPC 2.0 request (needs "method"), notification or response (needs "id" and "result" or "error")';
}

/** An invalid message's id, when it has a usable one (helps the client match the error). */
function echoableId(m: Record<string, unknown>, text: string): ResponseId {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return null;
  const id = m.id;
  return typeof id === 'string' || typeof id === 'number' ? exactId(id, text) : null;
}

function exactId(id: string | number, text: string): string | number | RawId {
  if (typeof id === 'string' || Number.isSafeInteger(id)) return id;
  const json = topLevelScalar(text, 'id');
  return json === undefined || json.startsWith('"') ? id : new RawId(json, id);
}

/** Where `root` first goes deeper than MAX_DEPTH (`params.arguments.a.a…`), or undefined. */
export function tooDeepAt(root: unknown, name: string, limit = MAX_DEPTH): string | undefined {
  if (root === null || typeof root !== 'object') return undefined;
  return deeperThan(root, 1, limit) ? pathTo(root, name, limit) : undefined;
}

/**
 * Recursion that stops at `limit`, so the JS stack holds at most limit + 1 frames whatever the
 * value's depth; no allocation, which keeps the check off the hot path's profile.
 */
function deeperThan(value: object, depth: number, limit: number): boolean {
  if (depth > limit) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item !== null && typeof item === 'object' && deeperThan(item, depth + 1, limit)) return true;
    }
    return false;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== null && typeof item === 'object' && deeperThan(item, depth + 1, limit)) return true;
  }
  return false;
}

/** The path to the first node deeper than `limit`, shortened for a message. Runs only on failure. */
function pathTo(root: object, name: string, limit: number): string {
  const stack: Array<{ value: object; path: string[] }> = [{ value: root, path: [name] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (path.length > limit) {
      const shown = path.length > 6 ? [...path.slice(0, 5), '…'] : path;
      return `at ${shown.join('.')}`;
    }
    const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((v, i) => [`${i}`, v]) : Object.entries(value);
    for (const [key, item] of entries) if (item !== null && typeof item === 'object') stack.push({ value: item, path: [...path, key] });
  }
  return `at ${name}`;
}
