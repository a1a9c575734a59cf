/**
 * `patchbay up` with nothing configured anywhere serves the built-in files and web servers for
 * the directory, sandboxed, and says so; a real SDK v2 client reads a project file through it.
 * Without bubblewrap it says why they are not running instead of running them unconfined;
 * `--no-defaults` and one configured server both turn the default off.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { PATCHBAY_BIN, runCli } from '../helpers/cli.js';
import { ECHO_SERVER } from './helpers/harness.js';

async function up(project: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [PATCHBAY_BIN, 'up', '--port', '0', ...args], { cwd: project, env: { ...process.env, NO_COLOR: '1', ...env } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', () => undefined);
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => out.includes('Press Ctrl+C to stop') && resolve());
    child.once('exit', (code) => reject(new Error(`up exited ${code}: ${out}`)));
  });
  const stop = () => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGINT'))));
  return { out, url: /MCP endpoint: (\S+)/.exec(out)![1]!, stop };
}

const project = () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'patchbay-defaults-')));
  writeFileSync(join(dir, 'hello.txt'), 'hello from the project\n');
  return dir;
};

describe('patchbay up with no server configured', () => {
  it('serves files and web for the directory, sandboxed, and the banner says how to turn it off', { timeout: 90_000 }, async () => {
    const dir = project();
    const running = await up(dir, ['--no-auth']);
    try {
      expect(running.out).toMatch(/✔ files +stdio, 11 tools, .*sandboxed \(network: none\)/);
      expect(running.out).toMatch(/✔ web +stdio, 1 tool, .*sandboxed/);
      expect(running.out).toContain('No server is configured, so these are the built-in files and web servers for this directory, sandboxed.');
      expect(running.out).toContain('`patchbay up --no-defaults` turns this off');
      const client = new Client({ name: 'defaults', version: '1' });
      await client.connect(new StreamableHTTPClientTransport(new URL(running.url)));
      const read = await client.callTool({ name: 'files__read_file', arguments: { path: 'hello.txt', lineNumbers: false } });
      expect((read.content as Array<{ text: string }>)[0]!.text).toBe('hello from the project');
      const outside = await client.callTool({ name: 'files__write_file', arguments: { path: '/tmp/escaped.txt', content: 'x' } });
      expect(outside.isError).toBe(true);
      await client.close();
    } finally {
      await running.stop();
    }
  });

  it('without bubblewrap says the defaults cannot run sandboxed instead of running them unconfined', { timeout: 90_000 }, async () => {
    const running = await up(project(), [], { PATCHBAY_BWRAP: '/nonexistent/bwrap' });
    try {
      expect(running.out).toMatch(/files .*bubblewrap \(bwrap\) is not installed/);
      expect(running.out).toMatch(/Servers \(0 of 2 ready\)/);
    } finally {
      await running.stop();
    }
  });

  it('--no-defaults serves nothing; one configured server turns the defaults off', { timeout: 90_000 }, async () => {
    const off = await up(project(), ['--no-defaults']);
    await off.stop();
    expect(off.out).toContain('Servers (0 of 0 ready)');
    expect(off.out).not.toContain('built-in files');
    const dir = project();
    expect((await runCli(['mcp', 'add', '--scope', 'patchbay', 'echo', '--', process.execPath, ECHO_SERVER, 'echo'], { cwd: dir })).code).toBe(0);
    const configured = await up(dir);
    await configured.stop();
    expect(configured.out).toMatch(/✔ echo /);
    expect(configured.out).not.toMatch(/files|built-in/);
  });
});
