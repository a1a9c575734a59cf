/** The `claude mcp add` flag pitfalls (claude-code-config-files.md), each gone in `patchbay mcp add`. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from './sandbox.js';

function localServers(sandbox: Sandbox): Record<string, any> {
  return (sandbox.read(sandbox.claudeJson) as any).projects[sandbox.project].mcpServers;
}

describe('patchbay mcp add flag pitfalls', () => {
  it('-e K=V before the name takes exactly one value each and keeps the name', async () => {
    const sandbox = createSandbox();
    const result = await sandbox.run(['add', '-e', 'A=1', '-e', 'B=2', 'myserver', 'node', 'server.js']);
    expect(result.code).toBe(0);
    expect(localServers(sandbox).myserver).toEqual({ type: 'stdio', command: 'node', args: ['server.js'], env: { A: '1', B: '2' } });
  });

  it('flags after the command belong to the server, without --', async () => {
    const sandbox = createSandbox();
    const result = await sandbox.run(['add', 't1', 'node', 'server.js', '-e', 'X=1', '--flag', '-s', 'user', '-t', '--help']);
    expect(result.code).toBe(0);
    expect(localServers(sandbox).t1.args).toEqual(['server.js', '-e', 'X=1', '--flag', '-s', 'user', '-t', '--help']);
    expect(localServers(sandbox).t1.env).toEqual({});
  });

  it('our flags between the name and the command are still ours; -- is still accepted', async () => {
    const sandbox = createSandbox();
    expect((await sandbox.run(['add', 'a', '-s', 'user', '-e', 'K=v', 'node', 'a.js'])).code).toBe(0);
    expect((sandbox.read(sandbox.claudeJson) as any).mcpServers.a).toEqual({ type: 'stdio', command: 'node', args: ['a.js'], env: { K: 'v' } });
    expect((await sandbox.run(['add', 'b', '--', 'npx', '-y', 'pkg', '--port=1'])).code).toBe(0);
    expect(localServers(sandbox).b).toEqual({ type: 'stdio', command: 'npx', args: ['-y', 'pkg', '--port=1'], env: {} });
  });

  it('a URL without -t is stored as http, and a note says so', async () => {
    const sandbox = createSandbox();
    const result = await sandbox.run(['add', 'remote', 'https://mcp.example.com/mcp']);
    expect(result.code).toBe(0);
    expect(localServers(sandbox).remote).toEqual({ type: 'http', url: 'https://mcp.example.com/mcp' });
    expect(result.stdout).toContain('is a URL, so "remote" was added as an http server');
  });

  it('-H on a stdio server is an error and nothing is written', async () => {
    const sandbox = createSandbox();
    const result = await sandbox.run(['add', '-H', 'X-Key: 1', 'loc', 'node', 'server.js']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('-H/--header applies to http and sse servers, but "loc" is a stdio server');
    expect(existsSync(sandbox.claudeJson)).toBe(false);
  });

  it('-e after the URL of a remote server is read as ours, and refused instead of dropped (Claude Code drops it)', async () => {
    const sandbox = createSandbox();
    const result = await sandbox.run(['add', 'srv', 'https://e.com/mcp', '-t', 'http', '-e', 'TOKEN=sk-live-999']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('-e/--env applies to stdio servers, but "srv" is an http server');
    expect(result.stderr).not.toContain('sk-live-999');
    expect(existsSync(sandbox.claudeJson)).toBe(false);
  });

  it('an invalid name says which characters are allowed', async () => {
    const sandbox = createSandbox();
    for (const name of ['my server', 'a.b', 'ünï']) {
      const result = await sandbox.run(['add', name, 'node', 'x.js']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`invalid server name "${name}"`);
      expect(result.stderr).toContain('letters, digits, "-" and "_"');
    }
    expect(existsSync(sandbox.claudeJson)).toBe(false);
  });

  it('malformed -e and -H values, bad scope and transport are clear usage errors', async () => {
    const sandbox = createSandbox();
    const env = await sandbox.run(['add', '-e', 'NOEQUALS', 'x', 'node']);
    expect(env.stderr).toContain('expected KEY=VALUE');
    const header = await sandbox.run(['add', '-t', 'http', '-H', 'no colon here', 'x', 'https://e.com/mcp']);
    expect(header.stderr).toContain('expected "Header-Name: value"');
    const scope = await sandbox.run(['add', '-s', 'global', 'x', 'node']);
    expect(scope.stderr).toContain('invalid scope "global": use local, project, user or patchbay');
    const transport = await sandbox.run(['add', '-t', 'websocket', 'x', 'node']);
    expect(transport.stderr).toContain('invalid transport "websocket"');
    const missing = await sandbox.run(['add', 'x', '-s', 'user']);
    expect(missing.stderr).toContain('missing the command or URL of server "x"');
    const unknown = await sandbox.run(['add', 'x', '--bogus', 'node']);
    expect(unknown.stderr).toContain('unknown option --bogus before the command');
    for (const r of [env, header, scope, transport, missing, unknown]) {
      expect(r.code).not.toBe(0);
      expect(r.stderr).not.toContain('    at ');
    }
    expect(existsSync(sandbox.claudeJson)).toBe(false);
  });

  it('--client-secret before the name does not swallow the name', async () => {
    const sandbox = createSandbox();
    const result = await sandbox.run(['add', '--client-secret', '--client-id', 'c', 'named', 'https://e.com/mcp'], { env: { MCP_CLIENT_SECRET: 'abc123' } });
    expect(result.code).toBe(0);
    expect(localServers(sandbox).named).toEqual({ type: 'http', url: 'https://e.com/mcp', oauth: { clientId: 'c' } });
  });
});
