/**
 * The JSON-RPC 2.0 shapes the gateway handles, parsed once per message and never revalidated
 * against the full MCP schemas: the gateway only needs method, id and params to route, and the
 * upstream server validates its own inputs (https://www.jsonrpc.org/specification).
 */

export type JsonRpcId = string | number;

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

/** Classifies a parsed value without copying it. */
export function classify(value: unknown): MessageKind {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'invalid';
  const m = value as Record<string, unknown>;
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
export function resultResponse(id: JsonRpcId, result: unknown): string {
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${JSON.stringify(result ?? {})}}`;
}

export function errorResponse(id: JsonRpcId | null, code: number, message: string, data?: unknown): string {
  const error = data === undefined ? { code, message } : { code, message, data };
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"error":${JSON.stringify(error)}}`;
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
