/**
 * CORS for pages served from loopback origins (MCP Inspector in direct mode, a local dashboard):
 * the guard already refuses any other Origin with 403 — `Origin: null` (sandboxed frames, data:
 * and file: pages) included, since any site can make a sandboxed frame — so a page gets these
 * headers only when it is one the gateway would serve anyway. The bearer token is still required
 * on every request but the preflight, which by the Fetch standard carries no credentials.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLoopbackOrigin, type Guard, type GuardFailure, type GuardHeaders } from './guard.js';

const ALLOW_METHODS = 'GET, POST, DELETE';
// The headers the Streamable HTTP transport sends (2025-11-25), plus 2026-07-28's Mcp-Method and
// Mcp-Name and the x-api-key the guard also accepts.
const ALLOW_HEADERS = 'authorization, content-type, mcp-session-id, mcp-protocol-version, last-event-id, accept, mcp-method, mcp-name, x-api-key';
const EXPOSE_HEADERS = 'mcp-session-id, mcp-protocol-version';

/** The request's Origin when it may be granted CORS. */
export function corsOrigin(req: IncomingMessage): string | undefined {
  const origin = req.headers.origin;
  return origin !== undefined && origin !== 'null' && isLoopbackOrigin(origin) ? origin : undefined;
}

/** Lets the page read this response and the session headers on it. */
export function allowOrigin(res: ServerResponse, origin: string): void {
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('access-control-expose-headers', EXPOSE_HEADERS);
  res.setHeader('vary', 'Origin');
}

/** Why a preflight is refused: the guard's Host and Origin checks (a preflight has no body and no token). */
export function preflightFailure(req: IncomingMessage, guard: Guard): GuardFailure | undefined {
  return guard.checkOrigin(req.headers as GuardHeaders);
}

/** Answers an OPTIONS preflight for an origin the guard accepted. */
export function answerPreflight(res: ServerResponse, origin: string | undefined): void {
  const headers: Record<string, string> = { allow: `${ALLOW_METHODS}, OPTIONS`, 'content-length': '0' };
  if (origin !== undefined) {
    headers['access-control-allow-origin'] = origin;
    headers['access-control-allow-methods'] = ALLOW_METHODS;
    headers['access-control-allow-headers'] = ALLOW_HEADERS;
    headers['access-control-max-age'] = '600';
    headers.vary = 'Origin';
  }
  res.writeHead(204, headers).end();
}
