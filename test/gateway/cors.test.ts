/**
 * CORS for pages served from loopback origins (MCP Inspector in direct mode): the preflight is
 * answered without the token, allowed origins may read responses and the session headers, and
 * foreign or `null` origins still get 403.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHO_SERVER, startGateway, stdioServer, type Running } from './helpers/harness.js';
import { send } from './helpers/sse.js';

const TOKEN = 'pb_cors';
const INSPECTOR = 'http://localhost:6274';
const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'inspector', version: '1' } } };

describe('CORS for loopback pages', () => {
  let running: Running;
  beforeAll(async () => {
    running = await startGateway([stdioServer('echo', ECHO_SERVER)], { token: TOKEN });
  });
  afterAll(async () => {
    await running?.close();
  });

  it('answers a preflight from a loopback origin with 204 and what the transport needs, without the token', async () => {
    const r = await send(running.url, 'OPTIONS', { origin: INSPECTOR, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, mcp-session-id' });
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-origin']).toBe(INSPECTOR);
    expect(r.headers['access-control-allow-methods']).toBe('GET, POST, DELETE');
    const allowed = String(r.headers['access-control-allow-headers']).split(', ');
    for (const h of ['authorization', 'content-type', 'mcp-session-id', 'mcp-protocol-version', 'last-event-id', 'accept']) expect(allowed).toContain(h);
    expect(r.headers.vary).toBe('Origin');
  });

  it('refuses a preflight from a foreign or null origin, or with a foreign Host, with 403', async () => {
    expect((await send(running.url, 'OPTIONS', { origin: 'http://evil.example.com', 'access-control-request-method': 'POST' })).status).toBe(403);
    expect((await send(running.url, 'OPTIONS', { origin: 'null', 'access-control-request-method': 'POST' })).status).toBe(403);
    const rebound = await send(running.url, 'OPTIONS', { origin: INSPECTOR, host: 'evil.example.com' });
    expect(rebound.status).toBe(403);
    expect(rebound.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets an allowed origin read responses and the session headers, including a 401; never a 403', async () => {
    const ok = await send(running.url, 'POST', { origin: INSPECTOR, authorization: `Bearer ${TOKEN}`, accept: 'application/json, text/event-stream' }, init);
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(INSPECTOR);
    expect(ok.headers['access-control-expose-headers']).toBe('mcp-session-id, mcp-protocol-version');
    expect(ok.headers['mcp-session-id']).toBeDefined();
    const session = ok.headers['mcp-session-id'] as string;
    const get = await send(running.url, 'GET', { origin: INSPECTOR, authorization: `Bearer ${TOKEN}`, accept: 'text/event-stream', 'mcp-session-id': session });
    expect(get.status).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBe(INSPECTOR);
    get.destroy();
    const noToken = await send(running.url, 'POST', { origin: INSPECTOR, accept: 'application/json' }, init);
    expect(noToken.status).toBe(401);
    expect(noToken.headers['access-control-allow-origin']).toBe(INSPECTOR);
    const evil = await send(running.url, 'POST', { origin: 'http://evil.example.com', authorization: `Bearer ${TOKEN}` }, init);
    expect(evil.status).toBe(403);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    // No Origin (a CLI or SDK client): no CORS headers at all.
    const plain = await send(running.url, 'POST', { authorization: `Bearer ${TOKEN}`, accept: 'application/json' }, init);
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
  });
});
