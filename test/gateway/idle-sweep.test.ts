/**
 * The idle-session sweep (http/mcp-handler.ts): a legacy HTTP session that sends nothing for
 * `sessionIdleMs`, with no open stream and no call, is ended like a DELETE — its Mcp-Session-Id
 * then gets 404 (spec 2025-11-25, basic/transports "Session Management": the client must start a
 * new session) and the hub drops what it held for it — while a session that keeps talking, or
 * keeps its GET stream open, survives. Small limits, and every wait polls for its condition.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHO_SERVER, startGateway, stdioServer, type Running } from './helpers/harness.js';

const TOKEN = 'pb_idle_sweep';
const IDLE_MS = 1_000;
const URI = 'echo://echo/counter';

describe('idle legacy sessions are swept', () => {
  let running: Running;
  beforeAll(async () => {
    running = await startGateway([stdioServer('echo', ECHO_SERVER)], { token: TOKEN, gateway: { sessionIdleMs: IDLE_MS, sessionSweepMs: 50 } });
  });
  afterAll(async () => {
    await running?.close();
  });

  let nextId = 1;
  function post(sessionId: string | undefined, method: string, params: Record<string, unknown> = {}, notification = false): Promise<Response> {
    const body = notification ? { jsonrpc: '2.0', method, params } : { jsonrpc: '2.0', id: nextId++, method, params };
    return fetch(running.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        accept: 'application/json, text/event-stream',
        'content-type': 'application/json',
        ...(sessionId ? { 'mcp-session-id': sessionId } : {}),
      },
      body: JSON.stringify(body),
    });
  }

  async function open(name: string): Promise<string> {
    const res = await post(undefined, 'initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name, version: '1' } });
    expect(res.status).toBe(200);
    await res.text();
    const id = res.headers.get('mcp-session-id')!;
    expect((await post(id, 'notifications/initialized', {}, true)).status).toBe(202);
    return id;
  }

  async function until(check: () => boolean): Promise<void> {
    while (!check()) await new Promise((resolve) => setTimeout(resolve, 25));
  }

  it('ends an idle session (404 afterwards, the hub lets go of it) while active ones survive', { timeout: 60_000 }, async () => {
    const { sessions } = running.gateway;
    const idle = await open('idle');
    // The idle session holds something in the hub: a resource subscription.
    const subscribed = await post(idle, 'resources/subscribe', { uri: URI });
    expect(subscribed.status).toBe(200);
    await subscribed.text();
    expect(running.hub.stats().subscribedSessions).toBe(1);

    // One session keeps talking; another says nothing but keeps its GET stream open.
    const talker = await open('talker');
    let talking = true;
    const talk = (async () => {
      while (talking) {
        const res = await post(talker, 'ping');
        await res.text();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const listener = await open('listener');
    const stream = new AbortController();
    const get = await fetch(running.url, { headers: { authorization: `Bearer ${TOKEN}`, accept: 'text/event-stream', 'mcp-session-id': listener }, signal: stream.signal });
    expect(get.status).toBe(200);
    await until(() => sessions.get(listener)?.sink !== undefined);

    await until(() => sessions.get(idle) === undefined);
    const gone = await post(idle, 'ping');
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ error: { message: expect.stringMatching(/Session not found/) } });
    expect(running.hub.stats().subscribedSessions).toBe(0);
    // The survivors have been quiet (the listener) or talking (the talker) for longer than the limit by now.
    await until(() => Date.now() - (sessions.get(listener)?.lastSeen ?? 0) > IDLE_MS * 2);
    expect(sessions.get(talker)).toBeDefined();
    expect(sessions.get(listener)).toBeDefined();
    const alive = await post(talker, 'ping');
    expect(alive.status).toBe(200);
    await alive.text();

    // Once the talker stops and the listener's stream closes, both go too: nothing is left.
    talking = false;
    await talk;
    stream.abort();
    await until(() => sessions.size === 0);
    expect((await post(talker, 'ping')).status).toBe(404);
    expect((await post(listener, 'ping')).status).toBe(404);
    expect(running.hub.stats()).toMatchObject({ subscribedSessions: 0, subscribedUris: 0, pendingServerRequests: 0, inflightCalls: 0 });
  });
});
