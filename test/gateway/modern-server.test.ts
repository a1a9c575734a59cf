/**
 * The gateway as a 2026-07-28 server, on the wire, whatever sits behind it: here a 2025-era
 * stdio server, so every check below is the gateway's own (SEP-2575 envelope and header checks,
 * 404 for removed and unknown methods, -32021 with HTTP 400, no unrequested log messages), while
 * a legacy client's `initialize` keeps working on the same URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFORMANCE_SERVER, startGateway, stdioServer, type Running } from './helpers/harness.js';

const V = '2026-07-28';
const envelope = (extra: Record<string, unknown> = {}) => ({ 'io.modelcontextprotocol/protocolVersion': V, 'io.modelcontextprotocol/clientCapabilities': {}, ...extra });

describe('the gateway as a 2026-07-28 server', () => {
  let running: Running;
  beforeAll(async () => {
    running = await startGateway([stdioServer('up', CONFORMANCE_SERVER, { patchbay: { prefix: '', protocol: '2025-11-25' } })]);
  });
  afterAll(async () => {
    await running?.close();
  });

  async function post(method: string, params: Record<string, unknown> | undefined, headers: Record<string, string> = {}) {
    const res = await fetch(running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method, ...(params ? { params } : {}) }),
    });
    const text = await res.text();
    const messages = res.headers.get('content-type')?.includes('text/event-stream')
      ? text.split('\n').filter((l) => l.startsWith('data: ') && l.length > 6).map((l) => JSON.parse(l.slice(6)))
      : [JSON.parse(text)];
    return { status: res.status, messages, last: messages[messages.length - 1] };
  }
  const modern = (method: string, name?: string) => ({ 'mcp-protocol-version': V, 'mcp-method': method, ...(name ? { 'mcp-name': name } : {}) });

  it('still answers a legacy initialize on the same URL', async () => {
    const r = await post('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'old', version: '1' } });
    expect(r.status).toBe(200);
    expect(r.last.result.protocolVersion).toBe('2025-11-25');
  });

  it.each(['initialize', 'ping', 'logging/setLevel', 'resources/subscribe', 'resources/unsubscribe', 'no/such-method'])(
    'answers %s with 2026-07-28 metadata: 404 and -32601, keeping the request id',
    async (method) => {
      const r = await post(method, { _meta: envelope(), uri: 'test://static-text', level: 'info' }, modern(method));
      expect(r.status).toBe(404);
      expect(r.last).toMatchObject({ id: 7, error: { code: -32601 } });
    },
  );

  it('refuses a modern request without _meta, or with _meta lacking a required key: 400 and -32602', async () => {
    for (const meta of [undefined, { 'io.modelcontextprotocol/clientCapabilities': {} }, { 'io.modelcontextprotocol/protocolVersion': V }]) {
      const r = await post('tools/list', meta ? { _meta: meta } : {}, modern('tools/list'));
      expect(r.status, JSON.stringify(meta)).toBe(400);
      expect(r.last).toMatchObject({ id: 7, error: { code: -32602 } });
    }
  });

  it('refuses a header that disagrees with the body: 400 and -32020', async () => {
    const version = await post('tools/list', { _meta: envelope() }, { ...modern('tools/list'), 'mcp-protocol-version': '2025-11-25' });
    expect(version.status).toBe(400);
    expect(version.last.error.code).toBe(-32020);
    const name = await post('tools/call', { _meta: envelope(), name: 'test_simple_text', arguments: {} }, modern('tools/call', 'another_tool'));
    expect(name.status).toBe(400);
    expect(name.last.error.code).toBe(-32020);
  });

  it('sends log messages only to a request that set a level, and none below it', async () => {
    const call = (meta: Record<string, unknown>) => post('tools/call', { _meta: envelope(meta), name: 'test_tool_with_logging', arguments: {} }, modern('tools/call', 'test_tool_with_logging'));
    const quiet = await call({});
    expect(quiet.messages.filter((m) => m.method === 'notifications/message')).toEqual([]);
    expect(quiet.last.result.resultType).toBe('complete');
    const loud = await call({ 'io.modelcontextprotocol/logLevel': 'info' });
    expect(loud.messages.filter((m) => m.method === 'notifications/message')).toHaveLength(3);
    const picky = await call({ 'io.modelcontextprotocol/logLevel': 'error' });
    expect(picky.messages.filter((m) => m.method === 'notifications/message')).toEqual([]);
  });

  it('answers a resource nobody offers with -32602 (SEP-2164), where 2025-11-25 clients keep -32002', async () => {
    const r = await post('resources/read', { _meta: envelope(), uri: 'test://nobody-offers-this' }, modern('resources/read', 'test://nobody-offers-this'));
    expect(r.last).toMatchObject({ id: 7, error: { code: -32602, data: { uri: 'test://nobody-offers-this' } } });
    const init = await fetch(running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'old', version: '1' } } }),
    });
    const legacy = await post('resources/read', { uri: 'test://nobody-offers-this' }, { 'mcp-session-id': init.headers.get('mcp-session-id')!, 'mcp-protocol-version': '2025-11-25' });
    expect(legacy.last).toMatchObject({ id: 7, error: { code: -32002 } });
  });

  it('refuses what needs a capability the client did not declare: 400 and -32021 naming it', async () => {
    const r = await post('tools/call', { _meta: envelope(), name: 'test_input_required_result_sampling', arguments: {} }, modern('tools/call', 'test_input_required_result_sampling'));
    expect(r.status).toBe(400);
    expect(r.last).toMatchObject({ id: 7, error: { code: -32021, data: { requiredCapabilities: { sampling: {} } } } });
  });

  it('relays input_required with its own requestState, and refuses state it did not mint', async () => {
    const params = { _meta: envelope({ 'io.modelcontextprotocol/clientCapabilities': { elicitation: {} } }), name: 'test_input_required_result_elicitation', arguments: {} };
    const first = await post('tools/call', params, modern('tools/call', params.name));
    expect(first.last.result).toMatchObject({ resultType: 'input_required', requestState: expect.any(String) });
    const [key] = Object.keys(first.last.result.inputRequests);
    expect(first.last.result.inputRequests[key!]).toMatchObject({ method: 'elicitation/create' });
    const forged = await post('tools/call', { ...params, requestState: `${first.last.result.requestState}x`, inputResponses: {} }, modern('tools/call', params.name));
    expect(forged.last.error.code).toBe(-32602);
    const done = await post('tools/call', { ...params, requestState: first.last.result.requestState, inputResponses: { [key!]: { action: 'accept', content: { name: 'Ada' } } } }, modern('tools/call', params.name));
    expect(done.last.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'Hello, Ada!' }] });
  });
});
