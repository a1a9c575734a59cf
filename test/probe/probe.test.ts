import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeServer } from '../../src/hub/probe.js';
// @ts-expect-error plain .mjs fixture without types
import { startHttpFixture } from '../fixtures/servers/http-server.mjs';
import { closedPort, EVERYTHING_BIN, FILESYSTEM_BIN, fixture, scoped } from './helpers.js';

const opts = { timeoutMs: 8_000 };

describe('probeServer on stdio servers', () => {
  it('reports a healthy server as connected, with its name, protocol and tool count', async () => {
    const result = await probeServer(scoped('good', fixture('good-stdio')), opts);
    expect(result).toMatchObject({
      status: 'connected',
      serverName: 'fixture-good',
      protocolVersion: '2025-11-25',
      toolCount: 4,
    });
    expect(result.reason).toBeUndefined();
  });

  it('connects to server-everything and server-filesystem from npm', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'probe-fs-'));
    const [everything, filesystem] = await Promise.all([
      probeServer(scoped('everything', { command: process.execPath, args: [EVERYTHING_BIN, 'stdio'] }), opts),
      probeServer(scoped('filesystem', { command: process.execPath, args: [FILESYSTEM_BIN, dir] }), opts),
    ]);
    expect(everything.status).toBe('connected');
    expect(everything.toolCount).toBeGreaterThan(0);
    expect(filesystem.status).toBe('connected');
    expect(filesystem.toolCount).toBeGreaterThan(0);
  });

  it('explains a crash at start with the exit code and the last stderr lines', async () => {
    const result = await probeServer(scoped('crash', fixture('crash-at-start')), opts);
    expect(result).toMatchObject({ status: 'failed', kind: 'exited', reason: 'exited with code 3 before answering initialize' });
    expect(result.details).toEqual(['stderr: Error: FIXTURE_API_KEY is not set; cannot start', 'stderr: fatal: giving up']);
  });

  it('names a missing dependency the server reports', async () => {
    const result = await probeServer(scoped('dep', fixture('missing-dep')), opts);
    expect(result.status).toBe('failed');
    expect(result.kind).toBe('missing-dependency');
    expect(result.reason).toContain('"left-pad"');
    expect(result.details?.[0]).toBe("stderr: Error: Cannot find module 'left-pad'");
    expect(result.hint).toContain('npm install left-pad');
  });

  it('recognises python, program and shared-library dependencies in stderr', async () => {
    const cases: Array<[string, string, string]> = [
      ["ModuleNotFoundError: No module named 'httpx'", 'httpx', 'pip install httpx'],
      ['Error: spawn rg ENOENT', 'rg', 'Install `rg`'],
      ['sh: 1: uvx: not found', 'uvx', 'Install `uvx`'],
      ['bash: docker: command not found', 'docker', 'Install `docker`'],
      ['./server: error while loading shared libraries: libssl.so.3: cannot open shared object file', 'libssl.so.3', 'libssl.so.3'],
    ];
    for (const [line, name, hint] of cases) {
      const script = `process.stderr.write(${JSON.stringify(line + '\n')}); process.exit(2)`;
      const result = await probeServer(scoped('dep', { command: process.execPath, args: ['-e', script] }), opts);
      expect(result.kind, line).toBe('missing-dependency');
      expect(result.reason).toContain(`"${name}"`);
      expect(result.hint).toContain(hint);
    }
  });

  it('quotes the first non-JSON stdout line; the server still works through Patchbay', async () => {
    const result = await probeServer(scoped('noisy', fixture('non-json-stdout')), opts);
    expect(result.status).toBe('connected');
    expect(result.kind).toBe('non-json-stdout');
    expect(result.details?.[0]).toContain('"Terminate batch job (Y/N)?"');
    expect(result.hint).toContain('stderr');
  });

  it('fails on non-JSON stdout when the server then dies, quoting the line and the host error', async () => {
    const script = `console.log('Terminate batch job (Y/N)?'); setTimeout(() => process.exit(1), 50)`;
    const result = await probeServer(scoped('noisy', { command: process.execPath, args: ['-e', script] }), opts);
    expect(result).toMatchObject({ status: 'failed', kind: 'non-json-stdout', reason: 'printed non-JSON on stdout: "Terminate batch job (Y/N)?"' });
    expect(result.details?.[0]).toContain(`Unexpected token 'T', "Terminate "... is not valid JSON`);
  });

  it('gives up on a server that never answers within the timeout', async () => {
    const result = await probeServer(scoped('hang', fixture('hang')), { timeoutMs: 3_000 });
    expect(result).toMatchObject({ status: 'failed', kind: 'timeout', reason: 'no answer to initialize within 3000 ms' });
    expect(result.details).toContain('stderr: hang: waiting forever');
  });

  it('says a command is not on PATH, and that GUI hosts do not inherit the shell PATH', async () => {
    const result = await probeServer(scoped('nope', { command: 'patchbay-no-such-cmd', args: [] }), opts);
    expect(result).toMatchObject({ status: 'failed', kind: 'command-not-found', reason: 'command "patchbay-no-such-cmd" was not found on PATH' });
    expect(result.hint).toMatch(/absolute path.*Claude Desktop do not inherit your shell's PATH/);
  });

  it('flags a relative command path and a relative script argument that do not exist from cwd', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'probe-cwd-'));
    const command = await probeServer(scoped('rel', { command: './bin/server', args: [] }), { ...opts, cwd });
    expect(command).toMatchObject({ status: 'failed', kind: 'relative-path' });
    expect(command.reason).toContain(`"./bin/server" is a relative path and does not exist from ${cwd}`);
    const arg = await probeServer(scoped('rel', { command: process.execPath, args: ['build/index.js'] }), { ...opts, cwd });
    expect(arg).toMatchObject({ status: 'failed', kind: 'relative-path' });
    expect(arg.reason).toContain('argument "build/index.js" is a relative path');
    expect(arg.hint).toContain('absolute path');
    // The same relative argument is fine when it exists where the server is started.
    writeFileSync(join(cwd, 'ok.mjs'), 'process.exit(0)');
    const exists = await probeServer(scoped('rel', { command: process.execPath, args: ['ok.mjs'] }), { ...opts, cwd });
    expect(exists.kind).toBe('exited');
  });

  it('names a missing environment variable without starting the server', async () => {
    const entry = { ...fixture('good-stdio'), env: { API_KEY: '${PATCHBAY_TEST_UNSET_KEY}' } };
    const result = await probeServer(scoped('env', entry), { ...opts, env: { PATH: process.env.PATH } });
    expect(result).toMatchObject({ status: 'failed', kind: 'missing-env', reason: 'environment variable PATCHBAY_TEST_UNSET_KEY not set' });
  });

  it('never shows secret values from the entry in the result', async () => {
    const secret = 'sk-ant-secret-value-123456';
    const script = `process.stderr.write('auth failed for key ' + process.env.API_KEY + '\\n'); process.exit(1)`;
    const result = await probeServer(scoped('leaky', { command: process.execPath, args: ['-e', script], env: { API_KEY: secret } }), opts);
    expect(result.status).toBe('failed');
    expect(JSON.stringify(result)).not.toContain(secret);
    expect(result.details).toContain('stderr: auth failed for key ***');
  });

  it('reports pending approval and disabled servers without starting them', async () => {
    const pending = await probeServer(scoped('p', fixture('hang'), { scope: 'project', approval: 'pending' }), opts);
    expect(pending.status).toBe('pending-approval');
    expect(pending.hint).toContain('enabledMcpjsonServers');
    const disabled = await probeServer(scoped('d', { ...fixture('hang'), patchbay: { disabled: true } }), opts);
    expect(disabled.status).toBe('disabled');
  });
});

describe('probeServer on remote servers', () => {
  let http: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    http = await startHttpFixture();
  });
  afterAll(async () => {
    await http.close();
  });

  it('connects over Streamable HTTP', async () => {
    const result = await probeServer(scoped('web', { type: 'http', url: `${http.url}/mcp` }), opts);
    expect(result).toMatchObject({ status: 'connected', toolCount: 4, serverName: 'fixture-http' });
  });

  it('says a server needs authentication on 401', async () => {
    const result = await probeServer(scoped('auth', { type: 'http', url: `${http.url}/auth/mcp` }), opts);
    expect(result).toMatchObject({ status: 'needs-auth', reason: 'needs authentication (HTTP 401)' });
    expect(result.hint).toContain('Authorization');
  });

  it('reports a 403 without an authentication challenge as an HTTP error, not as needs-auth', async () => {
    const result = await probeServer(scoped('forbidden', { type: 'http', url: `${http.url}/forbidden` }), opts);
    expect(result).toMatchObject({ status: 'failed', kind: 'http-error', reason: `HTTP 403 from ${http.url}/forbidden` });
  });

  it('says there is no MCP endpoint on 404, without leaking the query string', async () => {
    const result = await probeServer(scoped('gone', { type: 'http', url: `${http.url}/v1/mcp?key=secretkey123` }), opts);
    expect(result).toMatchObject({ status: 'failed', kind: 'http-not-found', reason: `HTTP 404: no MCP endpoint at ${http.url}/v1/mcp` });
    expect(JSON.stringify(result)).not.toContain('secretkey123');
  });

  it('says nothing is listening when the connection is refused', async () => {
    const port = await closedPort();
    const result = await probeServer(scoped('down', { type: 'http', url: `http://127.0.0.1:${port}/mcp` }), opts);
    expect(result).toMatchObject({ status: 'failed', kind: 'connection-refused' });
    expect(result.reason).toContain(`nothing is listening at http://127.0.0.1:${port}/mcp`);
  });
});
