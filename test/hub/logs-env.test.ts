import { afterEach, describe, expect, it } from 'vitest';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fakeClient, rich, scoped, testHub, textOf, waitFor, FIXTURES } from './helpers.js';
import { createRotatingFile } from '../../src/hub/log/rotating-file.js';

type TestHub = ReturnType<typeof testHub>;
let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

describe('hub logs', () => {
  it('writes mcp.log and mcp-server-<name>.log with lifecycle lines, and JSON-RPC traffic at debug with secrets masked', async () => {
    const secret = 'sk-live-abcdef0123456789';
    hub = testHub([rich('alpha', { env: { API_TOKEN: secret } })], { logLevel: 'debug' });
    await hub.start();
    const client = fakeClient('s1');
    await hub.request('tools/call', { name: 'alpha__echo', arguments: { text: `token is ${secret}` } }, client);
    await hub.stop();
    const files = (await readdir(hub.logs.dir)).sort();
    expect(files).toEqual(['mcp-server-alpha.log', 'mcp.log']);
    const server = await readFile(join(hub.logs.dir, 'mcp-server-alpha.log'), 'utf8');
    expect(server).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z \[alpha\] \[info\] starting \(stdio\)$/m);
    expect(server).toMatch(/\[alpha\] \[info\] ready \(pid \d+\), protocol 2025-11-25/);
    expect(server).toMatch(/\[alpha\] \[debug\] -> tools\/call \{"name":"echo"/);
    expect(server).toMatch(/\[alpha\] \[debug\] <- tools\/call result/);
    expect(server).toMatch(/\[alpha\] \[info\] stopped/);
    expect(server).not.toContain(secret);
    const hubLog = await readFile(join(hub.logs.dir, 'mcp.log'), 'utf8');
    expect(hubLog).toMatch(/\[patchbay\] \[info\] alpha: ready/);
    expect(hubLog).not.toContain(secret);
    hub = undefined;
  });

  it('leaves JSON-RPC traffic out at the default level', async () => {
    hub = testHub([rich('alpha')]);
    await hub.start();
    await hub.request('tools/call', { name: 'alpha__echo', arguments: { text: 'quiet' } }, fakeClient('s1'));
    await hub.logs.flush();
    const server = await readFile(join(hub.logs.dir, 'mcp-server-alpha.log'), 'utf8');
    expect(server).toContain('ready');
    expect(server).not.toContain('[debug]');
  });

  it('rotates a flooding server’s log by size while the other servers keep serving', async () => {
    const flood = scoped('flood', { command: process.execPath, args: [join(FIXTURES, 'flood-server.mjs')], env: { FLOOD_LINES: '6000' } });
    // Room for the whole flood (about 3.5 MB) in 20 kept files, so nothing is lost to rotation.
    hub = testHub([flood, rich('calm')], { logMaxBytes: 200_000, logKeep: 20 });
    await hub.start();
    const client = fakeClient('s1');
    // While the flood runs, calls to the calm server are answered.
    for (let i = 0; i < 20; i++) {
      expect(textOf(await hub.request('tools/call', { name: 'calm__echo', arguments: { text: `${i}` } }, client))).toBe(`calm:${i}`);
    }
    const dir = hub.logs.dir;
    const readAll = async () => {
      const names = (await readdir(dir)).filter((f) => f.startsWith('mcp-server-flood'));
      return (await Promise.all(names.map((f) => readFile(join(dir, f), 'utf8')))).join('');
    };
    // The flood is over once the server says so; the answer to that call comes after every
    // line it wrote before it on stdout, so by then the hub has taken all of them.
    await waitFor(async () => textOf(await hub!.request('tools/call', { name: 'flood__sent', arguments: {} }, client)) === '6000');
    await hub.logs.flush();
    const kept = await readAll();
    // Either the disk kept up and the last message is in, or the hub said how many it dropped.
    expect(/log message: "flood 5999 |\d+ log lines dropped/.test(kept)).toBe(true);
    expect(hub.status().map((s) => s.state)).toEqual(['ready', 'ready']);
    const files = (await readdir(dir)).filter((f) => f.startsWith('mcp-server-flood')).sort();
    expect(files.length).toBeGreaterThanOrEqual(3); // rotated at least twice (exact count depends on stderr timing and drops)
    expect(files.every((f) => /^mcp-server-flood\.log(\.([1-9]|1\d|20))?$/.test(f))).toBe(true);
    for (const f of files) expect((await stat(join(dir, f))).size).toBeLessThanOrEqual(200_000);
    expect(textOf(await hub.request('tools/call', { name: 'flood__echo', arguments: { text: 'still here' } }, client))).toBe('still here');
  });

  it('rotating file: rotation renames .1 → .2 and drops the oldest', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'rot-'));
    const file = createRotatingFile({ path: join(dir, 'mcp.log'), maxBytes: 100, keep: 2 });
    for (let batch = 0; batch < 5; batch++) {
      file.write(`batch ${batch} ${'x'.repeat(80)}`);
      await file.flush();
    }
    await file.close();
    expect((await readdir(dir)).sort()).toEqual(['mcp.log', 'mcp.log.1', 'mcp.log.2']);
    expect(await readFile(join(dir, 'mcp.log'), 'utf8')).toMatch(/^batch 4 /);
    expect(await readFile(join(dir, 'mcp.log.1'), 'utf8')).toMatch(/^batch 3 /);
    expect(await readFile(join(dir, 'mcp.log.2'), 'utf8')).toMatch(/^batch 2 /);
  });
});

describe('stdio environment policy', () => {
  it('gives a server what its entry names plus what it needs to run, not the hub’s other secrets', async () => {
    const hubEnv = {
      ...process.env,
      OPENAI_API_KEY: 'sk-hub-secret-openai',
      GITHUB_TOKEN: 'ghp_hubsecret123456',
      LC_ALL: 'C.UTF-8',
      HTTPS_PROXY: 'http://127.0.0.1:9',
      MY_REF: 'expanded-value',
    };
    hub = testHub([rich('alpha', { env: { GITHUB_TOKEN: '${GITHUB_TOKEN}', FROM_ENTRY: 'yes', REF: '${MY_REF}' } })], { env: hubEnv });
    await hub.start();
    const seen = JSON.parse(textOf(await hub.request('tools/call', { name: 'alpha__env', arguments: {} }, fakeClient('s1')))) as Record<
      string,
      string
    >;
    expect(seen.OPENAI_API_KEY).toBeUndefined();
    expect(seen.GITHUB_TOKEN).toBe('ghp_hubsecret123456');
    expect(seen.FROM_ENTRY).toBe('yes');
    expect(seen.REF).toBe('expanded-value');
    expect(seen.MY_REF).toBeUndefined();
    expect(seen.PATH).toBe(process.env.PATH);
    expect(seen.HOME).toBe(process.env.HOME);
    expect(seen.LC_ALL).toBe('C.UTF-8');
    expect(seen.HTTPS_PROXY).toBe('http://127.0.0.1:9');
    // The test home (setup-home.ts) reaches the child: nothing can touch the real one.
    expect(seen.XDG_CONFIG_HOME).toBe(process.env.XDG_CONFIG_HOME);
  });

  it('does not start a server whose entry names a variable with no value, and says which and where', async () => {
    const env = { ...process.env };
    delete env.PATCHBAY_TEST_UNSET;
    hub = testHub([rich('needy', { env: { KEY: '${PATCHBAY_TEST_UNSET}' } })], { env });
    await hub.start();
    const status = hub.status()[0]!;
    expect(status.state).toBe('failed');
    // The same words as `doctor` (hub/upstream/diagnose.ts), plus where.
    expect(status.reason).toContain('environment variable PATCHBAY_TEST_UNSET not set');
    expect(status.reason).toContain('"needy"');
    expect(status.hint).toContain('Set PATCHBAY_TEST_UNSET');
    expect(status.restarts).toBe(0);
  });
});
