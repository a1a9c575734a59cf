/**
 * JSON-RPC edges at the gateway (issue 9, item 18), over HTTP and stdio with a real upstream:
 * ids that JSON.parse cannot hold come back digit for digit, a message without
 * `"jsonrpc": "2.0"` is refused, tools/call without params says what is missing, arguments
 * nested 100,000 deep are refused at the gateway (not "Maximum call stack size exceeded" from
 * the server), and GET /mcp without a session gets an error body with its 405.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStdio } from '../../src/gateway/stdio.js';
import { ECHO_SERVER, startGateway, stdioServer, type Running } from './helpers/harness.js';
import { send } from './helpers/sse.js';

const BIG_ID = '123456789012345678901234567890';
const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'edges', version: '1' },
};

function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

async function postText(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body });
  return { status: r.status, text: await r.text() };
}

describe('JSON-RPC edges over HTTP', () => {
  let running: Running;
  let session: string;
  beforeAll(async () => {
    running = await startGateway([stdioServer('echo', ECHO_SERVER)]);
    const init = await send(running.url, 'POST', { accept: 'application/json, text/event-stream' }, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'edges', version: '1' } } });
    session = init.headers['mcp-session-id'] as string;
  });
  afterAll(async () => {
    await running?.close();
  });

  it('answers an id beyond 2^53 with the exact digits it was sent (legacy session and 2026-07-28)', async () => {
    const legacy = await postText(running.url, `{"jsonrpc":"2.0","id":${BIG_ID},"method":"tools/call","params":{"name":"echo__echo","arguments":{"text":"hi"}}}`, { 'mcp-session-id': session });
    expect(legacy.status).toBe(200);
    expect(legacy.text).toContain(`"id":${BIG_ID},`);
    expect(JSON.parse(legacy.text).result.content[0].text).toBe('hi');
    const modern = await postText(running.url, `{"jsonrpc":"2.0","id":${BIG_ID},"method":"tools/call","params":{"name":"echo__echo","arguments":{"text":"hi"},"_meta":${JSON.stringify(ENVELOPE)}}}`, { 'mcp-method': 'tools/call', 'mcp-name': 'echo__echo', 'mcp-protocol-version': '2026-07-28' });
    expect(modern.status, modern.text).toBe(200);
    expect(modern.text).toContain(`"id":${BIG_ID},`);
    // An error answer keeps it too, and a negative or fractional id is echoed as sent.
    const unknown = await postText(running.url, `{"jsonrpc":"2.0","id":-${BIG_ID},"method":"tools/call","params":{"name":"echo__nope"}}`, { 'mcp-session-id': session });
    expect(unknown.text).toContain(`"id":-${BIG_ID},`);
  });

  it('refuses a message without "jsonrpc": "2.0" with -32600, echoing its id', async () => {
    for (const body of ['{"id":5,"method":"tools/list"}', '{"jsonrpc":"1.0","id":5,"method":"tools/list"}', '{"jsonrpc":2,"id":5,"method":"tools/list"}']) {
      const r = await postText(running.url, body, { 'mcp-session-id': session });
      expect(r.status, body).toBe(400);
      const error = JSON.parse(r.text);
      expect(error.id).toBe(5);
      expect(error.error.code).toBe(-32600);
      expect(error.error.message).toContain('"jsonrpc" must be "2.0"');
    }
  });

  it('says what is missing when tools/call has no params or no name, instead of "Unknown tool: undefined"', async () => {
    const none = JSON.parse((await postText(running.url, '{"jsonrpc":"2.0","id":6,"method":"tools/call"}', { 'mcp-session-id': session })).text);
    expect(none.error.code).toBe(-32602);
    expect(none.error.message).toBe("tools/call needs params.name, the tool's name as tools/list gives it (a string): it has no params");
    const noName = JSON.parse((await postText(running.url, '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"arguments":{}}}', { 'mcp-session-id': session })).text);
    expect(noName.error.message).toContain('params.name is missing');
    const prompt = JSON.parse((await postText(running.url, '{"jsonrpc":"2.0","id":8,"method":"prompts/get","params":{"name":3}}', { 'mcp-session-id': session })).text);
    expect(prompt.error.message).toContain("prompts/get needs params.name, the prompt's name");
    expect(prompt.error.message).toContain('params.name is number');
    const notObject = await postText(running.url, '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":"echo__echo"}', { 'mcp-session-id': session });
    expect(JSON.parse(notObject.text).error).toMatchObject({ code: -32600, message: 'Invalid Request: "params" must be an object, not string' });
  });

  it('refuses arguments nested 100,000 deep at the gateway with -32602, and the server keeps working', async () => {
    const body = `{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"echo__echo","arguments":${nested(100_000)}}}`;
    const r = await postText(running.url, body, { 'mcp-session-id': session });
    expect(r.status).toBe(400);
    const error = JSON.parse(r.text);
    expect(error.id).toBe(10);
    expect(error.error.code).toBe(-32602);
    expect(error.error.message).toContain('nested more than 256 levels deep (at params.arguments.a.a.a.…)');
    expect(error.error.message).not.toContain('call stack');
    expect(error.error.data?.server).toBeUndefined();
    const after = JSON.parse((await postText(running.url, '{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"echo__echo","arguments":{"text":"still fine"}}}', { 'mcp-session-id': session })).text);
    expect(after.result.content[0].text).toBe('still fine');
    // 200 levels is allowed through (the echo server rejects the shape, the gateway does not).
    const ok = JSON.parse((await postText(running.url, `{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"echo__echo","arguments":{"text":"x","deep":${nested(200)}}}}`, { 'mcp-session-id': session })).text);
    expect(ok.result.content[0].text).toBe('x');
  });

  it('answers GET /mcp without a session with 405 and a JSON-RPC error saying what to do', async () => {
    const r = await fetch(running.url, { headers: { accept: 'text/event-stream' } });
    expect(r.status).toBe(405);
    expect(r.headers.get('content-type')).toBe('application/json');
    const error = (await r.json()) as { error: { code: number; message: string } };
    expect(error.error.code).toBe(-32000);
    expect(error.error.message).toContain('needs its Mcp-Session-Id header (send initialize first)');
    const put = await fetch(running.url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(put.status).toBe(405);
    expect(((await put.json()) as { error: { message: string } }).error.message).toContain('the endpoint takes POST');
  });
});

describe('JSON-RPC edges over stdio', () => {
  it('keeps a big id exact and refuses a message without "jsonrpc"', async () => {
    const running = await startGateway([stdioServer('echo', ECHO_SERVER)]);
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (d: Buffer) => (text += d.toString()));
    const served = serveStdio(running.gateway, { input, output });
    const answered = (id: string) => new Promise<void>((resolve) => {
      const check = () => (text.includes(`"id":${id}`) ? resolve() : setTimeout(check, 10));
      check();
    });
    input.write('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"s","version":"1"}}}\n');
    input.write(`{"jsonrpc":"2.0","id":${BIG_ID},"method":"tools/call","params":{"name":"echo__echo","arguments":{"text":"stdio"}}}\n`);
    input.write('{"id":2,"method":"ping"}\n');
    await answered(BIG_ID);
    await answered('2');
    const lines = text.trim().split('\n');
    expect(lines.find((l) => l.includes(BIG_ID))).toContain(`"id":${BIG_ID},"result"`);
    expect(JSON.parse(lines.find((l) => l.includes('"id":2'))!).error.code).toBe(-32600);
    input.end();
    await served;
    await running.close();
  });
});
