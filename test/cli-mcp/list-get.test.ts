/**
 * `patchbay mcp list` and `get` against real servers: a real SDK server over stdio, one that
 * crashes printing its secret, one that never answers. Secrets never reach the output.
 */
import { describe, expect, it } from 'vitest';
import { createSandbox, TINY_SERVER, type Sandbox } from './sandbox.js';

const SECRET = 'sk-live-supersecret-123';
const ok = { type: 'stdio', command: process.execPath, args: [TINY_SERVER], env: { TINY_LABEL: 'ok' } };
const crash = { type: 'stdio', command: process.execPath, args: [TINY_SERVER], env: { TINY_CRASH: '1', TINY_SECRET: SECRET } };
const silent = { type: 'stdio', command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'], env: {} };

function setup(sandbox: Sandbox, user: Record<string, unknown>, project?: Record<string, unknown>, local?: Record<string, unknown>) {
  sandbox.write(sandbox.claudeJson, { mcpServers: user, projects: { [sandbox.project]: { mcpServers: local ?? {} } } });
  if (project) sandbox.write(sandbox.mcpJson, { mcpServers: project });
}

describe('patchbay mcp list', () => {
  it('checks every server: connected, failed with the reason, pending approval, disabled; secrets hidden', async () => {
    const sandbox = createSandbox();
    setup(sandbox, { ok, crash }, { pend: ok }, { off: { ...ok, patchbay: { disabled: true } } });
    const result = await sandbox.run(['list', '--timeout', '15000'], { timeoutMs: 40_000 });
    expect(result.code).toBe(0); // as Claude Code: failures are reported, not an exit status
    const lines = result.stdout.split('\n');
    expect(lines).toContain(`ok: ${process.execPath} ${TINY_SERVER} - ✔ Connected`);
    expect(lines).toContain(`pend: ${process.execPath} ${TINY_SERVER} - ⏸ Pending approval`);
    expect(lines.find((l) => l.startsWith('off: '))).toMatch(/- ○ Disabled/);
    const crashLine = lines.findIndex((l) => l.startsWith('crash: '));
    expect(lines[crashLine]).toMatch(/ - ✘ Failed to connect: .+/);
    // Indented detail lines follow: the server's stderr, with the secret value replaced.
    expect(lines[crashLine + 1]).toMatch(/^ {4}\S/);
    // (the probe redacts it as [redacted]; list's own pass would write ***)
    expect(result.stdout).toMatch(/the token (\*\*\*|\[redacted\]) was rejected/);
    expect(result.stdout + result.stderr).not.toContain(SECRET);
    const checked = await sandbox.run(['list', '--check', '--timeout', '15000'], { timeoutMs: 40_000 });
    expect(checked.code).toBe(1);
  }, 60_000);

  it('--json prints a machine-readable array; --check exits 0 when every enabled server works', async () => {
    const sandbox = createSandbox();
    setup(sandbox, { ok: { ...ok, env: { API_KEY: SECRET } } }, { pend: ok });
    const result = await sandbox.run(['list', '--json', '--check'], { timeoutMs: 40_000 });
    expect(result.code).toBe(0);
    const items = JSON.parse(result.stdout) as any[];
    expect(items.map((i) => [i.name, i.scope, i.status])).toEqual([
      ['ok', 'user', 'connected'],
      ['pend', 'project', 'pending-approval'],
    ]);
    const okItem = items.find((i) => i.name === 'ok');
    expect(okItem).toMatchObject({ type: 'stdio', command: process.execPath, env: { API_KEY: '***' }, file: sandbox.claudeJson, toolCount: 1 });
    expect(result.stdout).not.toContain(SECRET);
  }, 60_000);

  it('uses --timeout, else MCP_TIMEOUT, for a server that never answers', async () => {
    const sandbox = createSandbox();
    setup(sandbox, { silent });
    const flag = await sandbox.run(['list', '--timeout', '1500']);
    expect(flag.stdout).toMatch(/silent: .* - ✘ Failed to connect: .*1500 ms/);
    const env = await sandbox.run(['list'], { env: { MCP_TIMEOUT: '1200' } });
    expect(env.stdout).toMatch(/silent: .* - ✘ Failed to connect: .*1200 ms/);
    const bad = await sandbox.run(['list', '--timeout', 'soon']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--timeout "soon": expected a number of milliseconds');
  }, 60_000);

  it('prints config problems with file:line:column and the source line, and still lists the rest', async () => {
    const sandbox = createSandbox();
    setup(sandbox, { ok, broken: { type: 'http', url: 'nope' } });
    sandbox.write(sandbox.mcpJson, '{\n  "mcpServers": {\n    "a": {"command": "x"}\n    "b": {"command": "y"}\n  }\n}\n');
    const result = await sandbox.run(['list', '--check'], { timeoutMs: 40_000 });
    expect(result.stdout).toContain('ok: ');
    expect(result.stderr).toContain(`${sandbox.mcpJson}:4:5: expected ',' or '}'`);
    expect(result.stderr).toContain('    "b": {"command": "y"}');
    expect(result.stderr).toMatch(new RegExp(`${sandbox.claudeJson.replace(/[.]/g, '\\.')}:\\d+:\\d+: server "broken": "url" must be an http:// or https:// URL`));
    expect(result.stderr).not.toContain('    at ');
    expect(result.code).toBe(1); // --check: a broken config is a failure too
  }, 60_000);

  it('says so when nothing is configured', async () => {
    const sandbox = createSandbox();
    const result = await sandbox.run(['list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No MCP servers configured');
  });
});

describe('patchbay mcp get', () => {
  it('prints scope, file, status, type, command, args and env, with secrets as ***', async () => {
    const sandbox = createSandbox();
    setup(sandbox, {}, undefined, { tiny: { ...ok, args: [TINY_SERVER, '--api-key=abc123def'], env: { TINY_LABEL: 'shown', GITHUB_TOKEN: SECRET, REF: '${HOME}' } } });
    const result = await sandbox.run(['get', 'tiny'], { timeoutMs: 40_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('tiny:\n  Scope: Local config (private to you in this project)\n');
    expect(result.stdout).toContain(`  File: ${sandbox.claudeJson}`);
    expect(result.stdout).toContain('  Status: ✔ Connected');
    expect(result.stdout).toContain('  Type: stdio');
    expect(result.stdout).toContain(`  Command: ${process.execPath}`);
    expect(result.stdout).toContain(`  Args: ${TINY_SERVER} --api-key=***`);
    expect(result.stdout).toContain('    TINY_LABEL=shown\n    GITHUB_TOKEN=***\n    REF=${HOME}');
    expect(result.stdout).toContain('patchbay mcp remove "tiny" -s local');
    expect(result.stdout).not.toContain(SECRET);
    expect(result.stdout).not.toContain('abc123def');
    const shown = await sandbox.run(['get', 'tiny', '--show-secrets', '--json'], { timeoutMs: 40_000 });
    const json = JSON.parse(shown.stdout);
    expect(json).toMatchObject({ name: 'tiny', scope: 'local', status: 'connected', env: { GITHUB_TOKEN: SECRET }, args: [TINY_SERVER, '--api-key=abc123def'] });
  }, 60_000);

  it('remote servers: headers and URL credentials hidden, OAuth shown with the stored client secret hidden', async () => {
    const sandbox = createSandbox();
    expect((await sandbox.run(['add', '-s', 'user', '-t', 'http', '-H', 'X-Api-Key: k-123456', '-H', 'Accept: application/json', '--client-id', 'cid', '--callback-port', '8765', '--client-secret=cs-987654', 'remote', 'http://127.0.0.1:9/mcp?token=t-555555'])).code).toBe(0);
    const result = await sandbox.run(['get', 'remote', '--timeout', '2000'], { timeoutMs: 40_000 });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('  URL: http://127.0.0.1:9/mcp?token=***');
    expect(result.stdout).toContain('    X-Api-Key: ***\n    Accept: application/json');
    expect(result.stdout).toContain('    Client ID: cid\n    Callback port: 8765\n    Client secret: *** (stored in Patchbay credentials)');
    for (const secret of ['k-123456', 't-555555', 'cs-987654']) expect(result.stdout + result.stderr).not.toContain(secret);
    const shown = await sandbox.run(['get', 'remote', '--show-secrets', '--timeout', '2000'], { timeoutMs: 40_000 });
    expect(shown.stderr).toBe('');
    for (const secret of ['k-123456', 't-555555', 'cs-987654']) expect(shown.stdout).toContain(secret);
  }, 60_000);

  it('an unknown name is an error listing the known names', async () => {
    const sandbox = createSandbox();
    setup(sandbox, { alpha: ok, beta: ok });
    const result = await sandbox.run(['get', 'gamma']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no MCP server named "gamma"');
    expect(result.stderr).toContain('Known servers: alpha, beta');
    expect(result.stderr).not.toContain('    at ');
  });
});
