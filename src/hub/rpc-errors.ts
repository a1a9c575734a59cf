/**
 * JSON-RPC error codes the hub answers with. -32000…-32099 are reserved for implementation
 * errors (JSON-RPC 2.0 §5.1); -32001 for timeouts follows the MCP SDKs' RequestTimeout, and
 * -32002 for an unknown resource follows MCP 2025-11-25 "Resources: Error Handling".
 */
import { HubRpcError } from './types.js';

export const SERVER_UNAVAILABLE = -32000;
export const REQUEST_TIMEOUT = -32001;
export const RESOURCE_NOT_FOUND = -32002;
/** What the SDKs use for a request the caller cancelled. */
export const REQUEST_CANCELLED = -32800;
export const INVALID_PARAMS = -32602;
export const METHOD_NOT_FOUND = -32601;
export const INTERNAL_ERROR = -32603;

/** An upstream's JSON-RPC error passes through as is; anything else becomes an internal error naming the server. */
export function toRpcError(error: unknown, server: string): HubRpcError {
  if (error instanceof HubRpcError) return error;
  const e = error as { code?: unknown; message?: unknown; data?: unknown } | undefined;
  if (e && typeof e.code === 'number' && Number.isInteger(e.code)) {
    return new HubRpcError(e.code, typeof e.message === 'string' ? e.message : 'Upstream error', e.data);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new HubRpcError(INTERNAL_ERROR, `Server "${server}": ${message}`, { server });
}
