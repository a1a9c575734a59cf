import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { installLenientReading } from './lenient.js';

function fakeTransport() {
  const sent: JSONRPCMessage[] = [];
  const transport = { start: async () => undefined, close: async () => undefined, send: async (m: JSONRPCMessage) => void sent.push(m) } as unknown as Transport;
  return { transport, deliver: (m: unknown) => transport.onmessage?.(m as JSONRPCMessage) };
}

describe('lenient reading of 2026-07-28 results', () => {
  it('fills a missing resultType and caching hints before the client reads them, and says so once per kind', async () => {
    const { transport, deliver } = fakeTransport();
    const warnings: string[] = [];
    installLenientReading(transport, { isModern: () => true, warn: (m) => warnings.push(m) });
    const received: Record<string, unknown>[] = [];
    transport.onmessage = (m) => void received.push((m as { result: Record<string, unknown> }).result);
    for (const id of [1, 2]) {
      await transport.send({ jsonrpc: '2.0', id, method: 'tools/list' });
      deliver({ jsonrpc: '2.0', id, result: { tools: [], extra: true } });
    }
    await transport.send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'x' } });
    deliver({ jsonrpc: '2.0', id: 3, result: { inputRequests: { a: { method: 'roots/list' } } } });
    expect(received[0]).toEqual({ tools: [], extra: true, resultType: 'complete', ttlMs: 0, cacheScope: 'private' });
    expect(received[2]).toMatchObject({ resultType: 'input_required' });
    expect(warnings).toHaveLength(5);
    expect(warnings).toContain('the server added fields no revision defines to a tools/list result (extra); passed on as they are');
    expect(warnings[0]).toMatch(/left out resultType on a tools\/list result.*"complete"/);
  });

  it('leaves 2025-era results and well-formed ones alone, and a handler that calls the one it replaced still works', async () => {
    const { transport, deliver } = fakeTransport();
    let modern = false;
    const warnings: string[] = [];
    installLenientReading(transport, { isModern: () => modern, warn: (m) => warnings.push(m) });
    const seen: unknown[] = [];
    transport.onmessage = (m) => void seen.push(m);
    const inner = transport.onmessage;
    transport.onmessage = (m, extra) => inner?.(m, extra);
    await transport.send({ jsonrpc: '2.0', id: 1, method: 'tools/call' });
    deliver({ jsonrpc: '2.0', id: 1, result: { content: [] } });
    modern = true;
    await transport.send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    deliver({ jsonrpc: '2.0', id: 2, result: { tools: [], resultType: 'complete', ttlMs: 5, cacheScope: 'public' } });
    expect(seen).toEqual([
      { jsonrpc: '2.0', id: 1, result: { content: [] } },
      { jsonrpc: '2.0', id: 2, result: { tools: [], resultType: 'complete', ttlMs: 5, cacheScope: 'public' } },
    ]);
    expect(warnings).toEqual([]);
  });
});
