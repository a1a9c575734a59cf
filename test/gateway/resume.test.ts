/**
 * SSE resumability at the wire (MCP 2025-11-25, basic/transports, "Resumability and Redelivery"):
 * event ids and the priming event on POST and GET streams, a GET with Last-Event-ID that replays
 * only that stream after that id and then carries it live to the result, an id the gateway does
 * not hold, the GET stream's own replay, and a dropped call cancelled upstream only when nobody
 * resumes it within the grace period. Real hub, real upstream (echo fixture), raw HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHO_SERVER, startGateway, stdioServer, type Running } from './helpers/harness.js';
import { eventually, send, type SseEvent } from './helpers/sse.js';

const TOKEN = 'pb_resume';
const auth = { authorization: `Bearer ${TOKEN}` };
const accept = { accept: 'application/json, text/event-stream' };
const sse = { accept: 'text/event-stream' };

let nextId = 10;
const steps = (gate: string, total: number, holdAfter: number) => ({
  jsonrpc: '2.0',
  id: ++nextId,
  method: 'tools/call',
  params: { name: 'echo__steps', arguments: { gate, total, holdAfter }, _meta: { progressToken: `p-${gate}` } },
});
const progressOf = (e: SseEvent) => (e.data ? (JSON.parse(e.data) as { method?: string; params?: { progress?: number } }) : undefined);
const isProgress = (n: number) => (e: SseEvent) => progressOf(e)?.method === 'notifications/progress' && progressOf(e)?.params?.progress === n;
const isResult = (e: SseEvent) => e.data !== '' && (JSON.parse(e.data) as { result?: unknown }).result !== undefined;

describe('SSE resumability', () => {
  let running: Running;
  const logs: string[] = [];
  beforeAll(async () => {
    running = await startGateway([stdioServer('echo', ECHO_SERVER)], { token: TOKEN, gateway: { resume: { retryMs: 50, graceMs: 60_000 }, log: (line) => logs.push(line) } });
  });
  afterAll(async () => {
    await running?.close();
  });

  async function initialize(protocolVersion = '2025-11-25'): Promise<string> {
    const r = await send(running.url, 'POST', { ...auth, ...accept }, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    await r.body;
    const session = r.headers['mcp-session-id'] as string;
    await (await send(running.url, 'POST', { ...auth, ...accept, 'mcp-session-id': session }, { jsonrpc: '2.0', method: 'notifications/initialized' })).body;
    return session;
  }
  const call = async (session: string, name: string, args: Record<string, unknown>) =>
    JSON.parse(await (await send(running.url, 'POST', { ...auth, ...accept, 'mcp-session-id': session }, { jsonrpc: '2.0', id: ++nextId, method: 'tools/call', params: { name, arguments: args } })).body) as { result: { content: { text: string }[] } };
  const release = (session: string, gate: string) => call(session, 'echo__release', { gate });
  const postStream = (session: string) => [...running.gateway.mcp.streams.replayOf(session)!.streams()].find((s) => s.kind === 'post')!;

  it('a POST stream opens with the priming event and retry, and every event has a unique id of that stream', async () => {
    const session = await initialize();
    const r = await send(running.url, 'POST', { ...auth, ...accept, 'mcp-session-id': session }, steps('ids', 3, 2));
    expect(r.headers['content-type']).toBe('text/event-stream');
    await r.until(isProgress(2));
    await release(session, 'ids');
    await r.body;
    const [priming, ...rest] = r.events;
    expect(priming).toMatchObject({ data: '', retry: 50 });
    expect(priming!.id).toMatch(/^\d+-0$/);
    const stream = priming!.id!.split('-')[0];
    const ids = rest.map((e) => e.id);
    expect(ids).toEqual([1, 2, 3, 4].map((n) => `${stream}-${n}`));
    expect(rest.filter(isResult)).toHaveLength(1);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a client of an older revision gets ids but no priming event (it would parse the empty data)', async () => {
    const session = await initialize('2025-06-18');
    const r = await send(running.url, 'POST', { ...auth, ...accept, 'mcp-session-id': session }, steps('old', 1, 1));
    await r.until(isProgress(1));
    await release(session, 'old');
    await r.body;
    expect(r.events.every((e) => e.data !== '' && /^\d+-\d+$/.test(e.id ?? ''))).toBe(true);
  });

  it('a plain JSON answer allocates no stream, id or buffer', async () => {
    const session = await initialize();
    const r = await send(running.url, 'POST', { ...auth, ...accept, 'mcp-session-id': session }, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo__echo', arguments: { text: 'hi' } } });
    expect(r.headers['content-type']).toBe('application/json');
    expect(await r.body).toContain('hi');
    const replay = running.gateway.mcp.streams.replayOf(session)!;
    expect([...replay.streams()]).toEqual([]);
    expect(replay.events).toBe(0);
  });

  it('a dropped POST stream keeps its call; GET with Last-Event-ID replays what came after it, then the rest live to the result', async () => {
    const session = await initialize();
    const first = await send(running.url, 'POST', { ...auth, ...accept, 'mcp-session-id': session }, steps('live', 4, 2));
    const one = await first.until(isProgress(1));
    await first.until(isProgress(2));
    first.destroy();
    await eventually(() => !postStream(session).attached, 'the gateway noticed the drop');
    const resumed = await send(running.url, 'GET', { ...auth, ...sse, 'mcp-session-id': session, 'last-event-id': one.id! });
    expect(resumed.status).toBe(200);
    // Only what came after the given id: progress 2, not 1, no priming.
    const replayed = await resumed.until(isProgress(2));
    expect(resumed.events[0]).toBe(replayed);
    await release(session, 'live');
    await resumed.body;
    const [stream] = one.id!.split('-');
    expect(resumed.events.map((e) => e.id)).toEqual([2, 3, 4, 5].map((n) => `${stream}-${n}`));
    expect(resumed.events.map((e) => progressOf(e)?.params?.progress)).toEqual([2, 3, 4, undefined]);
    expect(JSON.parse(resumed.events[3]!.data)).toMatchObject({ result: { content: [{ text: 'done live' }] } });
  });

  it('messages sent while nobody is connected are kept, and a late resume gets them and the result', async () => {
    const session = await initialize();
    const first = await send(running.url, 'POST', { ...auth, ...accept, 'mcp-session-id': session }, steps('late', 3, 1));
    const one = await first.until(isProgress(1));
    first.destroy();
    await eventually(() => !postStream(session).attached, 'the gateway noticed the drop');
    await release(session, 'late');
    await eventually(() => postStream(session).finished, 'the call finished into the buffer');
    const resumed = await send(running.url, 'GET', { ...auth, ...sse, 'mcp-session-id': session, 'last-event-id': one.id! });
    await resumed.body;
    expect(resumed.events.map((e) => progressOf(e)?.params?.progress)).toEqual([2, 3, undefined]);
    expect(resumed.events.filter(isResult)).toHaveLength(1);
  });

  it('an unknown or expired Last-Event-ID gets a fresh GET stream and a log line; an unknown session gets 404', async () => {
    const session = await initialize();
    for (const id of ['999-3', 'not-an-id']) {
      const r = await send(running.url, 'GET', { ...auth, ...sse, 'mcp-session-id': session, 'last-event-id': id });
      expect(r.status).toBe(200);
      const priming = await r.until(() => true);
      expect(priming.data).toBe('');
      expect(priming.id).toMatch(/^\d+-0$/);
      expect(logs.some((l) => l.includes(`"${id}"`) && l.includes('names no stream'))).toBe(true);
      r.destroy();
      await eventually(() => running.gateway.sessions.get(session)!.sink === undefined, 'the GET stream closed');
    }
    const gone = await send(running.url, 'GET', { ...auth, ...sse, 'mcp-session-id': 'no-such-session', 'last-event-id': '1-1' });
    expect(gone.status).toBe(404);
  });

  it('the GET stream: what is sent while it is down is replayed on resume, and only its own messages', async () => {
    const session = await initialize();
    const get = await send(running.url, 'GET', { ...auth, ...sse, 'mcp-session-id': session });
    const priming = await get.until(() => true);
    const isChanged = (e: SseEvent) => progressOf(e)?.method === 'notifications/tools/list_changed';
    await call(session, 'echo__grow', {});
    const changed = await get.until(isChanged);
    get.destroy();
    await eventually(() => running.gateway.sessions.get(session)!.sink === undefined, 'the GET stream closed');
    // A POST stream on the same session meanwhile: its events must not show up on the GET replay.
    const post = await send(running.url, 'POST', { ...auth, ...accept, 'mcp-session-id': session }, steps('side', 1, 1));
    await post.until(isProgress(1));
    await release(session, 'side');
    await post.body;
    await call(session, 'echo__grow', {});
    const [stream] = priming.id!.split('-');
    await eventually(() => running.gateway.mcp.streams.replayOf(session)!.resolve(`${stream}-2`) !== undefined, 'the second list_changed was kept');
    const resumed = await send(running.url, 'GET', { ...auth, ...sse, 'mcp-session-id': session, 'last-event-id': changed.id! });
    const again = await resumed.until(isChanged);
    expect(again.id).toBe(`${stream}-2`);
    expect(resumed.events.every((e) => e.id?.startsWith(`${stream}-`))).toBe(true);
    // The resumed stream is the session's stream again: a second plain GET is refused.
    expect(running.gateway.sessions.get(session)!.sink).toBeDefined();
    expect((await send(running.url, 'GET', { ...auth, ...sse, 'mcp-session-id': session })).status).toBe(409);
    resumed.destroy();
  });

  it('DELETE frees the session’s buffers', async () => {
    const session = await initialize();
    const r = await send(running.url, 'POST', { ...auth, ...accept, 'mcp-session-id': session }, steps('del', 1, 1));
    await r.until(isProgress(1));
    r.destroy();
    const replay = running.gateway.mcp.streams.replayOf(session)!;
    expect(replay.events).toBeGreaterThan(0);
    expect((await send(running.url, 'DELETE', { ...auth, 'mcp-session-id': session })).status).toBe(200);
    expect(running.gateway.mcp.streams.replayOf(session)).toBeUndefined();
    expect(replay.events).toBe(0);
    await release(await initialize(), 'del');
  });
});

describe('SSE resumability: nobody comes back', () => {
  let running: Running;
  const logs: string[] = [];
  beforeAll(async () => {
    running = await startGateway([stdioServer('echo', ECHO_SERVER)], { token: TOKEN, gateway: { resume: { graceMs: 100 }, log: (line) => logs.push(line) } });
  });
  afterAll(async () => {
    await running?.close();
  });

  it('after the grace period the call is cancelled upstream (the server sees notifications/cancelled)', async () => {
    const init = await send(running.url, 'POST', { ...auth, ...accept }, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    await init.body;
    const session = init.headers['mcp-session-id'] as string;
    const r = await send(running.url, 'POST', { ...auth, ...accept, 'mcp-session-id': session }, steps('expire', 2, 1));
    await r.until(isProgress(1));
    r.destroy();
    const cancellations = async () => {
      const c = await send(running.url, 'POST', { ...auth, ...accept, 'mcp-session-id': session }, { jsonrpc: '2.0', id: ++nextId, method: 'tools/call', params: { name: 'echo__cancellations', arguments: {} } });
      return JSON.parse((JSON.parse(await c.body) as { result: { content: { text: string }[] } }).result.content[0]!.text) as string[];
    };
    await eventually(async () => (await cancellations()).includes('expire'), 'the upstream saw the call cancelled', 300);
    await eventually(() => running.gateway.sessions.get(session)!.inFlight.size === 0, 'the gateway released the call');
    expect(logs.some((l) => l.includes('not resumed'))).toBe(true);
    // The expired stream is gone: resuming it opens a fresh GET stream instead.
    expect([...running.gateway.mcp.streams.replayOf(session)!.streams()]).toEqual([]);
  });
});
