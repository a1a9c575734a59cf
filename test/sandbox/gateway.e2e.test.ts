/**
 * As a user runs it: a project whose .mcp.json has the real everything server with
 * `"patchbay": {"sandbox": true}`, served by `patchbay up` (the real binary), called by an SDK v2
 * client over Streamable HTTP. `up` and `mcp list` say the server runs sandboxed, and it does:
 * the process tree under the hub is bubblewrap's.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATCHBAY_BIN, runCli } from '../helpers/cli.js';
import { EVERYTHING_SERVER, isLinux, requireSandbox, visibleHome, type VisibleHome } from './helpers.js';

describe.skipIf(!isLinux)('the everything server, sandboxed, through patchbay up', () => {
  let where: VisibleHome;
  let child: ChildProcessWithoutNullStreams;
  const output = { text: '', err: '' };
  let url: string;

  beforeAll(async () => {
    await requireSandbox();
    where = visibleHome();
    writeFileSync(join(where.project, '.mcp.json'), JSON.stringify({
      mcpServers: {
        everything: { type: 'stdio', command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'], env: {}, patchbay: { sandbox: true } },
      },
    }));
    mkdirSync(join(where.project, '.claude'));
    writeFileSync(join(where.project, '.claude', 'settings.local.json'), JSON.stringify({ enabledMcpjsonServers: ['everything'] }));
    child = spawn(process.execPath, [PATCHBAY_BIN, 'up', '--port', '0'], { cwd: where.project, env: { ...process.env, NO_COLOR: '1' } });
    child.stdout.on('data', (d: Buffer) => (output.text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output.err += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const check = () => /Press Ctrl\+C to stop/.test(output.text) && resolve();
      child.stdout.on('data', check);
      child.once('exit', (code) => reject(new Error(`patchbay up exited with ${code}:\n${output.text}\n${output.err}`)));
    });
    url = /MCP endpoint: (\S+)/.exec(output.text)![1]!;
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
    where?.cleanup();
  });

  it('up says the server is ready and sandboxed', () => {
    expect(output.text).toMatch(/✔ everything +stdio, \d+ tools.*, sandboxed \(network: none\)/);
  });

  it('serves its tools to an SDK client over HTTP, from inside bubblewrap', async () => {
    const token = (await runCli(['token'], { cwd: where.project })).stdout.trim();
    const client = new Client({ name: 'sandbox-e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toContain('everything__echo');
      const echoed = await client.callTool({ name: 'everything__echo', arguments: { message: 'from the sandbox' } });
      expect(echoed.content).toEqual([{ type: 'text', text: 'Echo: from the sandbox' }]);
    } finally {
      await client.close();
    }
    // The server's process is a child of bwrap, which is a child of the hub.
    const log = readFileSync(join(process.env.XDG_STATE_HOME!, 'patchbay', 'mcp-server-everything.log'), 'utf8');
    expect(log).toMatch(/sandbox: bubblewrap, writable .*project, network none/);
    expect(log).toMatch(/started pid \d+: \S*bwrap /);
  });

  it('mcp list marks it sandboxed (text and JSON)', async () => {
    const text = await runCli(['mcp', 'list'], { cwd: where.project, timeoutMs: 30_000 });
    expect(text.stdout).toMatch(/everything: .* - ✔ Connected · sandboxed \(network: none\)/);
    const json = await runCli(['mcp', 'list', '--json'], { cwd: where.project, timeoutMs: 30_000 });
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ name: 'everything', sandboxed: true, status: 'connected' })]);
  });
});
