import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectUpstream, UpstreamConnectError, type UpstreamExit } from '../../src/hub/upstream/connection.js';
import { createRecordingFetch } from '../../src/hub/upstream/http-fetch.js';
// @ts-expect-error plain .mjs fixture without types
import { startHttpFixture } from '../fixtures/servers/http-server.mjs';
import { spawn } from 'node:child_process';
import { closedPort, EVERYTHING_BIN, fixture, isAlive, startEverythingSse } from './helpers.js';

const text = (result: unknown) => (result as { content: Array<{ text: string }> }).content[0]?.text;

async function connectError(promise: Promise<unknown>): Promise<UpstreamConnectError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamConnectError);
  return error as UpstreamConnectError;
}

describe('connectUpstream over stdio', () => {
  it('talks to a real SDK v2 server: tools, progress, server-to-client requests, clean close', async () => {
    const conn = await connectUpstream('good', fixture('good-stdio'), {
      timeoutMs: 10_000,
      clientCapabilities: { elicitation: { form: {} }, roots: { listChanged: true } },
    });
    expect(conn.serverInfo).toEqual({ name: 'fixture-good', version: '1.0.0' });
    expect(conn.protocolVersion).toBe('2025-11-25');
    const tools = (await conn.request('tools/list', {})) as { tools: Array<{ name: string }> };
    expect(tools.tools.map((t) => t.name)).toEqual(['echo', 'add', 'progress', 'ask']);
    expect(text(await conn.request('tools/call', { name: 'add', arguments: { a: 2, b: 40 } }))).toBe('42');

    const progress: Array<Record<string, unknown>> = [];
    const notifications: string[] = [];
    conn.onNotification = (method, params) => notifications.push(`${method}:${(params as { data?: unknown }).data}`);
    await conn.request('tools/call', { name: 'progress', arguments: { steps: 3 } }, { onProgress: (p) => progress.push(p) });
    expect(progress.map((p) => p.progress)).toEqual([1, 2, 3]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(notifications).toEqual(['notifications/message:step 1 of 3', 'notifications/message:step 2 of 3', 'notifications/message:step 3 of 3']);

    const asked: string[] = [];
    conn.onRequest = async (method, params) => {
      asked.push(`${method}:${(params as { message: string }).message}`);
      return { action: 'accept', content: { answer: 'blue' } };
    };
    expect(text(await conn.request('tools/call', { name: 'ask', arguments: { question: 'Colour?' } }))).toBe('accept:blue');
    expect(asked).toEqual(['elicitation/create:Colour?']);
    await conn.notify('notifications/roots/list_changed');

    const pid = conn.pid!;
    const closed = new Promise<UpstreamExit>((resolve) => (conn.onClose = resolve));
    await conn.close();
    const exit = await closed;
    expect(exit.stderrTail).toContain('good-stdio starting');
    expect(isAlive(pid)).toBe(false);
  });

  it('rejects with the JSON-RPC error, honours per-request timeouts and AbortSignals', async () => {
    const conn = await connectUpstream('good', fixture('good-stdio'), { timeoutMs: 10_000, clientCapabilities: { elicitation: { form: {} } } });
    try {
      await expect(conn.request('no/such/method', {})).rejects.toMatchObject({ code: -32601 });
      conn.onRequest = () => new Promise(() => {}); // the client never answers the elicitation
      await expect(conn.request('tools/call', { name: 'ask', arguments: { question: 'q' } }, { timeoutMs: 300 })).rejects.toThrow(/timed out/i);
      const controller = new AbortController();
      const pending = conn.request('tools/call', { name: 'ask', arguments: { question: 'q' } }, { signal: controller.signal });
      controller.abort(new Error('user cancelled'));
      await expect(pending).rejects.toThrow(/cancelled/);
      expect(text(await conn.request('tools/call', { name: 'echo', arguments: { text: 'still up' } }))).toBe('still up');
    } finally {
      await conn.close();
    }
  });

  it('redacts the entry env values from the stderr tail', async () => {
    const entry = { ...fixture('good-stdio'), env: { FIXTURE_TOKEN: 'sk-live-abcdef123456' } };
    const conn = await connectUpstream('good', entry, { timeoutMs: 10_000 });
    await conn.close();
    const tail = conn.diagnostics().stderrTail.join('\n');
    expect(tail).toContain('using token ***');
    expect(tail).not.toContain('sk-live-abcdef123456');
  });

  it('skips non-JSON stdout lines, records and reports them, and stays connected', async () => {
    const warnings: string[] = [];
    const conn = await connectUpstream('noisy', fixture('non-json-stdout'), {
      timeoutMs: 10_000,
      log: (level, message) => level === 'warn' && warnings.push(message),
    });
    try {
      expect(text(await conn.request('tools/call', { name: 'echo', arguments: { text: 'a' } }))).toBe('a');
      expect(text(await conn.request('tools/call', { name: 'echo', arguments: { text: 'b' } }))).toBe('b');
      expect(conn.diagnostics().nonJsonLines[0]).toBe('Terminate batch job (Y/N)?');
      expect(warnings.some((w) => w.includes('Terminate batch job (Y/N)?'))).toBe(true);
    } finally {
      await conn.close();
    }
  });

  it('reports a crash during a call: the request fails and onClose has the exit code and stderr', async () => {
    const conn = await connectUpstream('crashy', fixture('crash-mid-call'), { timeoutMs: 10_000 });
    const closed = new Promise<UpstreamExit>((resolve) => (conn.onClose = resolve));
    await expect(conn.request('tools/call', { name: 'echo', arguments: { text: 'x' } })).rejects.toThrow();
    const exit = await closed;
    expect(exit.exitCode).toBe(5);
    expect(exit.stderrTail).toContain('crash-mid-call: segfault in tool echo');
  });

  it('throws UpstreamConnectError with the exit code and stderr when the server dies at start', async () => {
    const error = await connectError(connectUpstream('crash', fixture('crash-at-start'), { timeoutMs: 10_000 }));
    expect(error.exit.exitCode).toBe(3);
    expect(error.exit.stderrTail).toEqual(['Error: FIXTURE_API_KEY is not set; cannot start', 'fatal: giving up']);
    expect(error.message).toContain('exited with code 3');
  });

  it('gives up on a server that never answers, and leaves no process behind', async () => {
    const pids: number[] = [];
    const log = (_: string, message: string) => {
      const pid = /started pid (\d+)/.exec(message)?.[1];
      if (pid) pids.push(Number(pid));
    };
    const error = await connectError(connectUpstream('hang', fixture('hang'), { timeoutMs: 3_000, closeGraceMs: 200, log }));
    expect(error.exit.timedOut).toBe(true);
    expect(error.exit.stderrTail).toContain('hang: waiting forever');
    expect(pids).toHaveLength(1);
    expect(isAlive(pids[0]!)).toBe(false);
  });

  it('escalates to SIGKILL for a server that ignores SIGTERM, and takes what it started along', async () => {
    // Ignores stdin end and SIGTERM, never answers, and has a child of its own (like npx -> node).
    const script = [
      "const { spawn } = require('node:child_process');",
      "const kid = spawn('sleep', ['300'], { stdio: 'ignore' });",
      "process.on('SIGTERM', () => {});",
      "process.stdin.resume();",
      "console.error('grandchild ' + kid.pid);",
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const pids: number[] = [];
    const log = (_: string, message: string) => {
      const pid = /started pid (\d+)|grandchild (\d+)/.exec(message);
      if (pid) pids.push(Number(pid[1] ?? pid[2]));
    };
    const error = await connectError(
      connectUpstream('stubborn', { command: process.execPath, args: ['-e', script] }, { timeoutMs: 5_000, closeGraceMs: 200, log }),
    );
    expect(error.exit.timedOut).toBe(true);
    expect(pids).toHaveLength(2);
    for (const pid of pids) await expect.poll(() => isAlive(pid)).toBe(false);
  });

  it('reports a command that does not exist as a spawn ENOENT', async () => {
    const error = await connectError(connectUpstream('nope', { command: 'patchbay-no-such-command', args: [] }, { timeoutMs: 5_000 }));
    expect((error.exit.error as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('connects to the real server-everything from npm', async () => {
    const conn = await connectUpstream('everything', { command: process.execPath, args: [EVERYTHING_BIN, 'stdio'] }, { timeoutMs: 15_000 });
    try {
      const tools = (await conn.request('tools/list', {})) as { tools: unknown[] };
      expect(tools.tools.length).toBeGreaterThan(5);
      expect(text(await conn.request('tools/call', { name: 'echo', arguments: { message: 'hi' } }))).toContain('hi');
    } finally {
      await conn.close();
    }
  });
});

describe('connectUpstream over HTTP', () => {
  let http: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    http = await startHttpFixture();
  });
  afterAll(async () => {
    await http.close();
  });

  it('speaks Streamable HTTP, negotiating the 2026-07-28 era with server/discover', async () => {
    const conn = await connectUpstream('web', { type: 'http', url: `${http.url}/mcp` }, { timeoutMs: 10_000 });
    try {
      expect(conn.protocolVersion).toBe('2026-07-28');
      expect(conn.serverInfo?.name).toBe('fixture-http');
      expect(text(await conn.request('tools/call', { name: 'echo', arguments: { text: 'over http' } }))).toBe('over http');
      const progress: unknown[] = [];
      await conn.request('tools/call', { name: 'progress', arguments: { steps: 2 } }, { onProgress: (p) => progress.push(p.progress) });
      expect(progress).toEqual([1, 2]);
    } finally {
      await conn.close();
    }
  });

  it('falls back to initialize when told to use the legacy era', async () => {
    const conn = await connectUpstream('web', { type: 'http', url: `${http.url}/mcp` }, { timeoutMs: 10_000, negotiation: 'legacy' });
    try {
      expect(conn.protocolVersion).toBe('2025-11-25');
      const tools = (await conn.request('tools/list', {})) as { tools: unknown[] };
      expect(tools.tools).toHaveLength(4);
    } finally {
      await conn.close();
    }
  });

  it('throws UpstreamConnectError, not a TypeError, for a malformed URL', async () => {
    const error = await connectError(connectUpstream('bad', { type: 'http', url: 'not a url' }, { timeoutMs: 1_000 }));
    expect(error.message).toContain('Invalid URL');
  });

  it('sets needsAuth and the status on 401, and the status on 404', async () => {
    const auth = await connectError(connectUpstream('auth', { type: 'http', url: `${http.url}/auth/mcp` }, { timeoutMs: 5_000 }));
    expect(auth.exit).toMatchObject({ httpStatus: 401, needsAuth: true });
    const missing = await connectError(connectUpstream('gone', { type: 'http', url: `${http.url}/nothing-here` }, { timeoutMs: 5_000 }));
    expect(missing.exit.httpStatus).toBe(404);
    expect(missing.exit.needsAuth).toBeUndefined();
  });

  it('records the same for legacy SSE endpoints (the EventSource GET)', async () => {
    const auth = await connectError(connectUpstream('auth', { type: 'sse', url: `${http.url}/auth/mcp` }, { timeoutMs: 5_000 }));
    expect(auth.exit).toMatchObject({ httpStatus: 401, needsAuth: true });
    const missing = await connectError(connectUpstream('gone', { type: 'sse', url: `${http.url}/sse` }, { timeoutMs: 5_000 }));
    expect(missing.exit.httpStatus).toBe(404);
  });

  it('gives each request its own signal: no listener is left on the connection-wide one', async () => {
    const recording = createRecordingFetch();
    const connectionWide = new AbortController();
    for (let i = 0; i < 30; i++) {
      const res = await recording.fetch(`${http.url}/nothing-here`, { signal: connectionWide.signal });
      await res.text();
    }
    expect(getEventListeners(connectionWide.signal, 'abort')).toHaveLength(0);
    expect(recording.inFlight()).toBe(0);
    expect(recording.facts().httpStatus).toBe(404);
    // Aborting the connection-wide signal still cancels a request in flight.
    const inFlight = recording.fetch(`${http.url}/mcp`, { method: 'GET', headers: { accept: 'text/event-stream' }, signal: connectionWide.signal });
    connectionWide.abort();
    await expect(inFlight.then((r) => r.text())).rejects.toThrow();
  });
});

describe('connectUpstream to a 2025-era Streamable HTTP server', () => {
  it('probes server/discover, falls back to initialize, and ends the session on close', async () => {
    const port = await closedPort();
    const child = spawn(process.execPath, [EVERYTHING_BIN, 'streamableHttp'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    await new Promise<void>((resolve) => {
      const onData = (d: Buffer) => ((log += d), /listening/i.test(log) && resolve());
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
    });
    try {
      const conn = await connectUpstream('everything', { type: 'http', url: `http://127.0.0.1:${port}/mcp` }, { timeoutMs: 10_000 });
      expect(conn.protocolVersion).toBe('2025-11-25');
      const tools = (await conn.request('tools/list', {})) as { tools: unknown[] };
      expect(tools.tools.length).toBeGreaterThan(5);
      await conn.close();
      await expect.poll(() => log).toContain('Received session termination request');
    } finally {
      child.kill();
    }
  });
});

describe('connectUpstream over legacy SSE', () => {
  it('connects to server-everything in sse mode', async () => {
    const { url, child } = await startEverythingSse();
    try {
      const conn = await connectUpstream('sse', { type: 'sse', url }, { timeoutMs: 10_000 });
      const tools = (await conn.request('tools/list', {})) as { tools: unknown[] };
      expect(tools.tools.length).toBeGreaterThan(5);
      await conn.close();
    } finally {
      child.kill();
    }
  });
});
