/**
 * Which era a POST belongs to, and the checks 2026-07-28 puts on a request before anything
 * serves it (SEP-2575, SEP-2243). The era is decided as the SDK's own dual-era entry decides it,
 * by the SDK's own classifier (`classifyInboundRequest`: the body's `_meta` envelope first, then
 * the `MCP-Protocol-Version` header), so a client that works against an SDK server works here:
 * - a malformed envelope, or a 2026-era header without one: HTTP 400, -32602;
 * - header and body disagreeing: HTTP 400, -32020 (also the SEP-2243 headers, standard-headers.ts);
 * - a revision the gateway does not speak: HTTP 400, -32022 with `supported` and `requested`;
 * - a method that revision removed (initialize, ping, logging/setLevel, resources/subscribe,
 *   resources/unsubscribe), an unknown one, or one of a capability no server offers now:
 *   HTTP 404, -32601. A legacy `initialize` (no envelope) is not touched: it opens a session.
 * A 2026-07-28 notification is accepted and dropped (202): none needs the gateway.
 */
import type { IncomingMessage } from 'node:http';
import { classifyInboundRequest } from '@modelcontextprotocol/server';
import { errorResponse, METHOD_NOT_FOUND, UNSUPPORTED_PROTOCOL_VERSION, type JsonRpcRequest, type ResponseId } from '../jsonrpc.js';
import { ALL_VERSIONS, CAPABILITY_OF_METHOD, LEGACY_VERSIONS, MODERN_METHODS, MODERN_VERSION, PROTOCOL_VERSION_META_KEY, readEnvelope, type Envelope } from '../protocol.js';
import { HEADER_MISMATCH, standardHeaderProblem } from './standard-headers.js';

export type GateOutcome =
  | { kind: 'legacy' }
  | { kind: 'modern'; envelope: Envelope }
  /** Answer now: `body` is a serialised JSON-RPC error (none for a 202). */
  | { kind: 'reply'; status: number; body?: string };

/**
 * A message the SDK's classifier would route to legacy serving without a second look: no
 * envelope claim in its `_meta` and no 2026-era `MCP-Protocol-Version` header. The hot path of
 * 2025-era sessions skips the classifier on that alone.
 */
function plainLegacy(req: IncomingMessage, msg: JsonRpcRequest): boolean {
  const meta = msg.params?._meta as Record<string, unknown> | undefined;
  if (meta !== undefined && typeof meta === 'object' && PROTOCOL_VERSION_META_KEY in meta) return false;
  const header = req.headers['mcp-protocol-version'];
  return header === undefined || (typeof header === 'string' && LEGACY_VERSIONS.includes(header.trim()));
}

/** The headers the SDK's classifier cross-checks against the body. */
function headerFacts(req: IncomingMessage): { protocolVersionHeader?: string; mcpMethodHeader?: string; mcpNameHeader?: string } {
  const facts: { protocolVersionHeader?: string; mcpMethodHeader?: string; mcpNameHeader?: string } = {};
  const one = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
  const version = one('mcp-protocol-version');
  const method = one('mcp-method');
  const name = one('mcp-name');
  if (version !== undefined) facts.protocolVersionHeader = version;
  if (method !== undefined) facts.mcpMethodHeader = method;
  if (name !== undefined) facts.mcpNameHeader = name;
  return facts;
}

/** `id`: what an answer carries, digit for digit (parse-message.ts); the message's own may be rounded. */
export function gateModernPost(req: IncomingMessage, msg: JsonRpcRequest, kind: 'request' | 'notification', capabilities: () => Record<string, unknown>, id: ResponseId = kind === 'request' ? msg.id : null): GateOutcome {
  if (plainLegacy(req, msg)) return { kind: 'legacy' };
  // The SDK's schema takes safe integers only; an id beyond 2^53 is valid JSON-RPC, and the
  // classifier needs only the message's shape.
  const body = typeof msg.id === 'number' && !Number.isSafeInteger(msg.id) ? { ...msg, id: 0 } : msg;
  const route = classifyInboundRequest({ httpMethod: 'POST', body, ...headerFacts(req) });
  if (route.kind === 'reject') return { kind: 'reply', status: route.httpStatus, body: errorResponse(id, route.code, route.message, route.data) };
  if (route.kind === 'legacy') return { kind: 'legacy' };
  if (kind !== 'request') return { kind: 'reply', status: 202 };
  const envelope = readEnvelope(msg.params);
  if (envelope?.protocolVersion !== MODERN_VERSION) {
    const requested = envelope?.protocolVersion ?? String(req.headers['mcp-protocol-version'] ?? '');
    const data = { supported: ALL_VERSIONS, requested };
    return { kind: 'reply', status: 400, body: errorResponse(id, UNSUPPORTED_PROTOCOL_VERSION, `Unsupported protocol version ${requested}; this gateway speaks ${ALL_VERSIONS.join(', ')}`, data) };
  }
  const headers = standardHeaderProblem(req, msg.method, msg.params);
  if (headers) return { kind: 'reply', status: 400, body: errorResponse(id, HEADER_MISMATCH, headers.message, headers.data) };
  const needs = CAPABILITY_OF_METHOD[msg.method];
  if (!MODERN_METHODS.has(msg.method) || (needs !== undefined && capabilities()[needs] === undefined)) {
    const why = needs ? `, or no server behind this gateway offers ${needs}` : '';
    return { kind: 'reply', status: 404, body: errorResponse(id, METHOD_NOT_FOUND, `Method not found: ${msg.method} (not a method of protocol ${MODERN_VERSION}${why})`) };
  }
  return { kind: 'modern', envelope };
}
