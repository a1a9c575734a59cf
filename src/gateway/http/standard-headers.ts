/**
 * SEP-2243 standard request headers on 2026-07-28 requests: `MCP-Protocol-Version` and
 * `Mcp-Method` on every request, and `Mcp-Name` mirroring `params.name` (tools/call,
 * prompts/get) or `params.uri` (resources/read), so that proxies and load balancers can route
 * on headers alone. A request whose headers are missing or disagree with its body is refused
 * with HTTP 400 and -32020 (header mismatch), as the SDK's own modern entry refuses it. Values
 * that are not plain ASCII travel as `=?base64?<base64>?=`.
 */
import type { IncomingMessage } from 'node:http';

export const HEADER_MISMATCH = -32020;

const NAME_SOURCE: Record<string, 'name' | 'uri'> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value.trim() : undefined;
}

function decode(value: string): string | undefined {
  const m = /^=\?base64\?([A-Za-z0-9+/=]*)\?=$/i.exec(value);
  if (!m) return value;
  try {
    const text = Buffer.from(m[1]!, 'base64').toString('utf8');
    return Buffer.from(text, 'utf8').toString('base64').replace(/=+$/, '') === m[1]!.replace(/=+$/, '') ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Why the headers do not fit the body, or undefined when they do. */
export function standardHeaderProblem(req: IncomingMessage, method: string, params: Record<string, unknown> | undefined): { message: string; data: unknown } | undefined {
  const mismatch = (h: string, body: string) => ({ message: `Bad Request: the request headers and body disagree: ${body}`, data: { mismatch: { header: h, body } } });
  if (header(req, 'mcp-protocol-version') === undefined) return mismatch('(missing)', 'the required MCP-Protocol-Version header is absent');
  if (header(req, 'mcp-method') === undefined) return mismatch('(missing)', `the body names method ${method} but the required Mcp-Method header is absent`);
  const field = NAME_SOURCE[method];
  const bodyValue = field ? params?.[field] : undefined;
  if (field === undefined || typeof bodyValue !== 'string') return undefined;
  const raw = header(req, 'mcp-name');
  if (raw === undefined) return mismatch('(missing)', `the body carries params.${field}="${bodyValue}" but the required Mcp-Name header is absent`);
  const decoded = decode(raw);
  if (decoded === undefined) return mismatch(raw, 'the Mcp-Name header carries an invalid Base64 value');
  if (decoded !== bodyValue) return mismatch(raw, `the body carries params.${field}="${bodyValue}" but the Mcp-Name header names "${decoded}"`);
  return undefined;
}
