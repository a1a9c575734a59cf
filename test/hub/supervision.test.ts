import { afterEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fakeClient, isAlive, rich, scoped, testHub, textOf, waitFor } from './helpers.js';

type TestHub = ReturnType<typeof testHub>;
let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

const state = (h: TestHub, name: string) => h.status().find((s) => s.name === name)!;

describe('hub supervision with real child processes', () => {
  it('fails an in-flight call at once when its server crashes, naming the server and exit code, then restarts it', async () => {
    // A 10-minute call timeout: only the crash itself can end this call within the test's time.
    hub = testHub([rich('alpha'), rich('beta')], { callTimeoutMs: 600_000 });
    await hub.start();
    const client = fakeClient('s1');
    const firstPid = state(hub, 'alpha').pid!;
    await expect(hub.request('tools/call', { name: 'alpha__crash', arguments: { code: 3 } }, client)).rejects.toMatchObject({
      code: -32000,
      message: expect.stringMatching(/^Server "alpha" exited with code 3; last stderr line: ".*about to crash with 3"/),
    });
    // beta never noticed.
    expect(state(hub, 'beta')).toMatchObject({ state: 'ready', restarts: 0 });
    expect(textOf(await hub.request('tools/call', { name: 'beta__echo', arguments: { text: 'ok' } }, client))).toBe('beta:ok');

    await waitFor(() => state(hub!, 'alpha').state === 'ready');
    expect(state(hub, 'alpha').restarts).toBe(1);
    expect(state(hub, 'alpha').pid).not.toBe(firstPid);
    expect(isAlive(firstPid)).toBe(false);
    expect(textOf(await hub.request('tools/call', { name: 'alpha__echo', arguments: { text: 'back' } }, client))).toBe('alpha:back');

    await hub.logs.flush();
    const log = await readFile(join(hub.logs.dir, 'mcp-server-alpha.log'), 'utf8');
    expect(log).toMatch(/\[alpha\] \[error\] exited: exited with code 3/);
    expect(log).toMatch(/\[alpha\] \[info\] restarting in \d+ ms \(restart 1\)/);
    const hubLog = await readFile(join(hub.logs.dir, 'mcp.log'), 'utf8');
    expect(hubLog).toMatch(/alpha: restarting \(exited with code 3/);
  });

  it('restarts with backoff up to the limit, then marks the server failed with the reason', async () => {
    hub = testHub([rich('broken', { env: { FIXTURE_EXIT_AT_START: '2' } }), rich('fine')]);
    await hub.start();
    await waitFor(() => state(hub!, 'broken').state === 'failed');
    const broken = state(hub, 'broken');
    expect(broken.restarts).toBe(3);
    expect(broken.reason).toMatch(/exited with code 2/);
    expect(broken.reason).toMatch(/cannot start \(as configured\)/);
    expect(broken.reason).toMatch(/gave up after 3 restarts within 60 s/);
    expect(state(hub, 'fine').state).toBe('ready');
    const client = fakeClient('s1');
    // Its tools are gone from the list, and a call to one says why rather than "unknown tool".
    await expect(hub.request('tools/call', { name: 'broken__echo', arguments: { text: 'x' } }, client)).rejects.toMatchObject({
      code: -32000,
      message: expect.stringMatching(/^Server "broken" is not available \(failed: failed to start: exited with code 2.*gave up after 3 restarts/),
    });
    expect(textOf(await hub.request('tools/call', { name: 'fine__echo', arguments: { text: 'x' } }, client))).toBe('fine:x');
    await hub.logs.flush();
    const log = await readFile(join(hub.logs.dir, 'mcp-server-broken.log'), 'utf8');
    expect(log.match(/restarting in \d+ ms/g)).toHaveLength(3);
    expect(log).toMatch(/\[error\] failed: .*gave up after 3 restarts/);
  });

  it('does not restart a server whose command does not exist, and says so', async () => {
    hub = testHub([scoped('ghost', { command: 'patchbay-no-such-command-xyz', args: [] })]);
    await hub.start();
    const ghost = state(hub, 'ghost');
    expect(ghost).toMatchObject({ state: 'failed', restarts: 0 });
    // The same words as `doctor` for the same server (hub/upstream/diagnose.ts), and the fix.
    expect(ghost.reason).toBe('failed to start: command "patchbay-no-such-command-xyz" was not found on PATH');
    expect(ghost.hint).toMatch(/^Install patchbay-no-such-command-xyz, or use its absolute path/);
  });

  it('a hanging call on one server does not hold up calls to another, and times out by its entry timeoutMs', async () => {
    hub = testHub([rich('stuck', { patchbay: { timeoutMs: 400 } }), rich('quick')], { callTimeoutMs: 600_000 });
    await hub.start();
    const client = fakeClient('s1');
    let hangSettled = false;
    const hanging = hub.request('tools/call', { name: 'stuck__hang', arguments: {} }, client).finally(() => (hangSettled = true));
    hanging.catch(() => undefined);
    for (let i = 0; i < 20; i++) {
      expect(textOf(await hub.request('tools/call', { name: 'quick__echo', arguments: { text: `${i}` } }, client))).toBe(`quick:${i}`);
    }
    await expect(hanging).rejects.toMatchObject({ code: -32001, message: 'Server "stuck" did not answer tools/call within 400 ms' });
    expect(hangSettled).toBe(true);
    // A timeout is the call's problem, not the server's: it stays up.
    expect(state(hub, 'stuck')).toMatchObject({ state: 'ready', restarts: 0 });
  });

  it('lets a call that keeps reporting progress run past its timeout, and still times out one that goes quiet', async () => {
    hub = testHub([rich('busy', { patchbay: { timeoutMs: 1_500 } })]);
    await hub.start();
    const client = fakeClient('s1');
    // 20 steps 100 ms apart: longer than the timeout in all, never quiet for as long as it.
    const result = await hub.request(
      'tools/call',
      { name: 'busy__slow', arguments: { steps: 20, gapMs: 100, finish: true }, _meta: { progressToken: 1 } },
      client,
    );
    expect(textOf(result)).toBe('finished');
    expect(client.notifications).toHaveLength(20);
    // Same tool, progress then silence: the clock runs out after the last progress.
    await expect(
      hub.request('tools/call', { name: 'busy__slow', arguments: { steps: 2 }, _meta: { progressToken: 2 } }, client),
    ).rejects.toMatchObject({ code: -32001, message: 'Server "busy" did not answer tools/call within 1500 ms' });
  });

  it('restarts a server that stops answering ping, failing its in-flight call at once', async () => {
    hub = testHub([rich('frozen')], { ping: { intervalMs: 100, timeoutMs: 200, failures: 2 }, callTimeoutMs: 600_000 });
    await hub.start();
    const client = fakeClient('s1');
    const firstPid = state(hub, 'frozen').pid!;
    await expect(hub.request('tools/call', { name: 'frozen__freeze', arguments: {} }, client)).rejects.toMatchObject({
      code: -32000,
      message: expect.stringContaining('Server "frozen" stopped answering ping (2 failures)'),
    });
    expect(state(hub, 'frozen').state).toBe('restarting');
    await waitFor(() => state(hub!, 'frozen').state === 'ready');
    expect(state(hub, 'frozen').restarts).toBe(1);
    expect(isAlive(firstPid)).toBe(false);
  });

  it('skips and logs a non-JSON stdout line, and carries a 4 MB result', async () => {
    hub = testHub([rich('noisy', { env: { FIXTURE_NON_JSON_STDOUT: '1' } })]);
    await hub.start();
    expect(state(hub, 'noisy').state).toBe('ready');
    const client = fakeClient('s1');
    const big = await hub.request('tools/call', { name: 'noisy__big', arguments: {} }, client);
    expect(textOf(big).length).toBe(4 * 1024 * 1024);
    await hub.logs.flush();
    const log = await readFile(join(hub.logs.dir, 'mcp-server-noisy.log'), 'utf8');
    expect(log).toMatch(/\[warn\] stdout line is not JSON-RPC, skipped: this line is not JSON-RPC/);
  });

  it('leaves no child process behind after stop()', async () => {
    hub = testHub([rich('a'), rich('b'), rich('c')]);
    await hub.start();
    const client = fakeClient('s1');
    const pending = hub.request('tools/call', { name: 'a__hang', arguments: {} }, client);
    pending.catch(() => undefined);
    const pids = hub.status().map((s) => s.pid!);
    expect(pids.every((pid) => typeof pid === 'number' && isAlive(pid))).toBe(true);
    await hub.stop();
    await expect(pending).rejects.toMatchObject({ message: 'Server "a" was stopped' });
    expect(pids.filter(isAlive)).toEqual([]);
    expect(hub.status().map((s) => s.state)).toEqual(['stopped', 'stopped', 'stopped']);
    hub = undefined;
  });
});
