/**
 * The sandbox default as a user meets it: `patchbay mcp add probe node probe-server.mjs` (no
 * sandbox flag, no `patchbay` key in ~/.claude.json), then `patchbay up`, then an SDK v2 client
 * calling the server through the gateway. The hub starts it under bubblewrap: a write inside the
 * project works, a write outside it and a connection to a 127.0.0.1 listener are refused.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect as netConnect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATCHBAY_BIN, runCli } from '../helpers/cli.js';
import { isLinux, PROBE_SERVER, requireSandbox, visibleHome, type VisibleHome } from './helpers.js';

describe.skipIf(!isLinux)('a server added with patchbay mcp add runs sandboxed by default', () => {
  let where: VisibleHome;
  let child: ChildProcessWithoutNullStreams;
  let listener: Server;
  let port: number;
  let client: Client;
  const output = { text: '', err: '' };
  let added: string;

  beforeAll(async () => {
    await requireSandbox();
    where = visibleHome();
    listener = createServer((socket) => socket.end('hello from the host\n'));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as { port: number }).port;

    const add = await runCli(['mcp', 'add', 'probe', process.execPath, PROBE_SERVER], { cwd: where.project });
    expect(add.code).toBe(0);
    added = add.stdout;

    child = spawn(process.execPath, [PATCHBAY_BIN, 'up', '--port', '0'], { cwd: where.project, env: { ...process.env, NO_COLOR: '1' } });
    child.stdout.on('data', (d: Buffer) => (output.text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output.err += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const check = () => /Press Ctrl\+C to stop/.test(output.text) && resolve();
      child.stdout.on('data', check);
      child.once('exit', (code) => reject(new Error(`patchbay up exited with ${code}:\n${output.text}\n${output.err}`)));
    });
    const url = /MCP endpoint: (\S+)/.exec(output.text)![1]!;
    const token = (await runCli(['token'], { cwd: where.project })).stdout.trim();
    client = new Client({ name: 'sandbox-default-e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  }, 120_000);

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
    listener?.close();
    where?.cleanup();
  });

  async function call(tool: string, args: Record<string, unknown>): Promise<string> {
    const result = await client.callTool({ name: `probe__${tool}`, arguments: args });
    return (result.content as { type: string; text?: string }[]).map((c) => c.text ?? '').join('\n');
  }

  it('the host file has no sandbox key, and the note said what the default means', () => {
    const entry = JSON.parse(readFileSync(join(where.home, '.claude.json'), 'utf8')).projects[where.project].mcpServers.probe;
    expect(entry).toEqual({ type: 'stdio', command: process.execPath, args: [PROBE_SERVER], env: {} });
    expect(added).toContain('Sandbox: when Patchbay runs "probe", the project directory is the only place it can write, and it has no network');
  });

  it('up says it runs sandboxed', () => {
    expect(output.text).toMatch(/✔ probe +stdio, \d+ tools.*sandboxed \(network: none\)/);
  });

  it('writes inside the project; a write outside it is refused', async () => {
    expect(await call('write', { path: join(where.project, 'made-inside.txt'), text: 'ok' })).toBe('ok');
    expect(readFileSync(join(where.project, 'made-inside.txt'), 'utf8')).toBe('ok');
    const outside = join(where.home, 'made-outside.txt');
    expect(await call('write', { path: outside, text: 'escaped' })).toMatch(/^error EROFS/);
    expect(existsSync(outside)).toBe(false);
  }, 60_000);

  it('cannot connect to a listener on the host\'s 127.0.0.1, which answers from outside', async () => {
    // The listener is real and answers: the probe is refused because of the sandbox, not because nothing listens.
    const direct = await new Promise<string>((resolve) => {
      const socket = netConnect({ host: '127.0.0.1', port });
      socket.setEncoding('utf8').on('data', (d: string) => { resolve(d.trim()); socket.destroy(); });
    });
    expect(direct).toBe('hello from the host');
    expect(await call('connect', { host: '127.0.0.1', port })).toMatch(/^error (ECONNREFUSED|ETIMEDOUT|ENETUNREACH)/);
  }, 60_000);

  it('the hub started it inside bubblewrap', () => {
    const log = readFileSync(join(process.env.XDG_STATE_HOME!, 'patchbay', 'mcp-server-probe.log'), 'utf8');
    expect(log).toMatch(/sandbox: bubblewrap, writable .*project, network none/);
    expect(log).toMatch(/started pid \d+: \S*bwrap /);
  });
});
