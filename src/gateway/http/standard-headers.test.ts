import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { standardHeaderProblem } from './standard-headers.js';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const full = { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'echo' };

describe('SEP-2243 standard request headers', () => {
  it('accepts headers that agree with the body, Base64 sentinel included', () => {
    expect(standardHeaderProblem(req(full), 'tools/call', { name: 'echo' })).toBeUndefined();
    const encoded = `=?base64?${Buffer.from('wetter/zürich').toString('base64')}?=`;
    expect(standardHeaderProblem(req({ ...full, 'mcp-name': encoded }), 'tools/call', { name: 'wetter/zürich' })).toBeUndefined();
    expect(standardHeaderProblem(req({ ...full, 'mcp-method': 'tools/list', 'mcp-name': '' }), 'tools/list', {})).toBeUndefined();
  });

  it('refuses a missing version or method header, and a missing or different name', () => {
    const { 'mcp-protocol-version': _v, ...noVersion } = full;
    expect(standardHeaderProblem(req(noVersion), 'tools/call', { name: 'echo' })?.message).toMatch(/MCP-Protocol-Version header is absent/);
    const { 'mcp-method': _m, ...noMethod } = full;
    expect(standardHeaderProblem(req(noMethod), 'tools/call', { name: 'echo' })?.message).toMatch(/Mcp-Method header is absent/);
    const { 'mcp-name': _n, ...noName } = full;
    expect(standardHeaderProblem(req(noName), 'tools/call', { name: 'echo' })?.message).toMatch(/Mcp-Name header is absent/);
    expect(standardHeaderProblem(req(full), 'tools/call', { name: 'other' })?.data).toEqual({ mismatch: { header: 'echo', body: expect.stringContaining('params.name="other"') } });
    expect(standardHeaderProblem(req({ ...full, 'mcp-method': 'resources/read', 'mcp-name': 'test://a' }), 'resources/read', { uri: 'test://b' })).toBeDefined();
  });
});
