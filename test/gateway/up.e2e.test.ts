/**
 * `npm start` on a fresh project with two servers configured: `patchbay up --port 0` (the real
 * binary) serves both, namespaced, at the printed URL, with the token `patchbay token` prints
 * (the instruction `up` prints next to the masked token), and stops cleanly on SIGINT.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATCHBAY_BIN, runCli } from '../helpers/cli.js';
import { CONFORMANCE_SERVER, ECHO_SERVER } from './helpers/harness.js';

function waitFor(child: ChildProcessWithoutNullStreams, pattern: RegExp, output: { text: string }): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = pattern.exec(output.text);
      if (m) {
        child.stdout.off('data', check);
        resolve(m);
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => reject(new Error(`patchbay up exited with ${code}:\n${output.text}`)));
    check();
  });
}

describe('patchbay up on a fresh project with two working servers and a broken one', () => {
  const project = mkdtempSync(join(tmpdir(), 'patchbay-up-'));
  let child: ChildProcessWithoutNullStreams;
  const output = { text: '', err: '' };
  let url: string;

  beforeAll(async () => {
    writeFileSync(join(project, '.mcp.json'), JSON.stringify({
      mcpServers: {
        alpha: { type: 'stdio', command: process.execPath, args: [ECHO_SERVER, 'alpha'], env: {} },
        beta: { type: 'stdio', command: process.execPath, args: [CONFORMANCE_SERVER], env: {} },
        gamma: { type: 'stdio', command: join(project, 'no-such-server'), args: [], env: {} },
      },
    }));
    mkdirSync(join(project, '.claude'));
    writeFileSync(join(project, '.claude', 'settings.local.json'), JSON.stringify({ enabledMcpjsonServers: ['alpha', 'beta', 'gamma'] }));
    child = spawn(process.execPath, [PATCHBAY_BIN, 'up', '--port', '0'], { cwd: project, env: { ...process.env, NO_COLOR: '1' } });
    child.stdout.on('data', (d: Buffer) => (output.text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output.err += d.toString()));
    const match = await waitFor(child, /Press Ctrl\+C to stop/, output);
    expect(match).toBeTruthy();
    url = /MCP endpoint: (\S+)/.exec(output.text)![1]!;
  });
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints the URL, a masked token with how to see it, which servers are ready and why one is not', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(output.text).toMatch(/Token: +pb_\S+…\S+ +\(`patchbay token` prints it/);
    expect(output.text).toMatch(/✔ alpha +stdio, 10 tools, protocol 2025-11-25/);
    expect(output.text).toMatch(/✔ beta +stdio, \d+ tools/);
    expect(output.text).toContain('Servers (2 of 3 ready)');
    expect(output.text).toContain(`✘ gamma  failed: command "${join(project, 'no-such-server')}" does not exist\n      → Check the path; it must exist on this machine.`);
  });

  it('serves both servers, namespaced, to an SDK client with the printed token', async () => {
    const token = (await runCli(['token'], { cwd: project })).stdout.trim();
    expect(token).toMatch(/^pb_/);
    expect(output.text).not.toContain(token);
    const client = new Client({ name: 'e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('alpha__echo');
    expect(names).toContain('beta__test_simple_text');
    const echoed = await client.callTool({ name: 'alpha__echo', arguments: { text: 'through patchbay' } });
    expect(echoed.content).toEqual([{ type: 'text', text: 'through patchbay' }]);
    const simple = await client.callTool({ name: 'beta__test_simple_text', arguments: {} });
    expect(simple.content).toEqual([{ type: 'text', text: 'This is a simple text response for testing.' }]);
    await client.close();
  });

  it('refuses a client without the token', async () => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('patchbay token');
  });

  it('stops every server and exits 0 on SIGINT', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output.text).toContain('Stopped.');
  });
});
