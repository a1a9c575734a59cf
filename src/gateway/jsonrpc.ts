/**
 * The JSON-RPC 2.0 shapes the gateway handles, parsed once per message and never revalidated
 * against the full MCP schemas: the gateway only needs method, id and params to route, and the
 * upstream server validates its own inputs (https://www.jsonrpc.org/specification).
 */

export type JsonRpcId = string | number;

/**
 * A numeric id echoed with the exact text the client sent. JSON.parse turns
 * 123456789012345678901234567890 into 1.2345678901234568e+29; JSON-RPC 2.0 §5 says the
 * response id "MUST be the same as the value of the id member in the Request Object", so an id
 * that is not a safe integer is answered with its original digits. Internally (in-flight maps,
 * cancellation) the parsed number is used, as the client's cancel parses to the same number.
 */
export class RawId {
  constructor(
    /** The id's JSON text as received. */
    readonly json: string,
    readonly value: number,
  ) {}
  toJSON(): number {
    return this.value;
  }
}

/** What a response carries as its id. */
export type ResponseId = JsonRpcId | RawId | null;

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id: JsonRpcId;
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcResponse {
  jsonrpc: '2.0';
  id: JsonRpcId | null;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse;

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
// The codes the hub answers with too are defined once, in the hub (JSON-RPC 2.0 §5.1).
export { INTERNAL_ERROR, INVALID_PARAMS, METHOD_NOT_FOUND } from '../hub/rpc-errors.js';
/** Streamable HTTP transport errors (no session, bad header): the SDKs use -32000. */
export const TRANSPORT_ERROR = -32000;
/** 2026-07-28: the client asked for a protocol revision this endpoint does not speak. */
export const UNSUPPORTED_PROTOCOL_VERSION = -32022;

export type MessageKind = 'request' | 'notification' | 'response' | 'invalid';

/** Classifies a parsed value without copying it. `"jsonrpc": "2.0"` is required (JSON-RPC 2.0 §4, §5). */
export function classify(value: unknown): MessageKind {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'invalid';
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== '2.0') return 'invalid';
  if (typeof m.method === 'string') {
    if (m.id === undefined) return 'notification';
    return typeof m.id === 'string' || typeof m.id === 'number' ? 'request' : 'invalid';
  }
  if ((m.result !== undefined || m.error !== undefined) && m.id !== undefined) return 'response';
  return 'invalid';
}

/**
 * Serialises a result response. The envelope is written by hand so the only JSON.stringify is
 * the one over the result itself: one pass over the payload, no intermediate object.
 */
export function resultResponse(id: ResponseId, result: unknown): string {
  return `{"jsonrpc":"2.0","id":${idJson(id)},"result":${JSON.stringify(result ?? {})}}`;
}

export function errorResponse(id: ResponseId, code: number, message: string, data?: unknown): string {
  const error = data === undefined ? { code, message } : { code, message, data };
  return `{"jsonrpc":"2.0","id":${idJson(id)},"error":${JSON.stringify(error)}}`;
}

/**
 * The answer to a request. A result that cannot be serialised (nested past the stack, a cycle)
 * becomes an error for this one request instead of an exception that would leave it unanswered.
 */
export function answerMessage(id: ResponseId, result: unknown): string {
  try {
    return resultResponse(id, result);
  } catch (error) {
    return errorResponse(id, -32603, `The result could not be sent to the client: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function idJson(id: ResponseId): string {
  return id instanceof RawId ? id.json : JSON.stringify(id);
}

export function requestMessage(id: JsonRpcId, method: string, params: unknown): string {
  return JSON.stringify(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params });
}

export function notificationMessage(method: string, params: unknown): string {
  return JSON.stringify(params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params });
}

/** An error with a JSON-RPC code, thrown inside the gateway and written to the wire as is. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}
