/**
 * `patchbay doctor` through the real CLI (bin/patchbay.js → dist/; build first), against real
 * fixture servers and real config files in a temporary home.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
// @ts-expect-error plain .mjs fixture without types
import { startHttpFixture } from '../fixtures/servers/http-server.mjs';
import { fixture } from '../probe/helpers.js';
import type { ServerEntry } from '../../src/config/types.js';

interface Workspace {
  home: string;
  project: string;
  env: NodeJS.ProcessEnv;
}

/** A fresh home (inside the test's temporary HOME) and project folder with these config files. */
function workspace(files: { user?: Record<string, ServerEntry>; project?: string; desktop?: string; approvals?: unknown }): Workspace {
  const root = mkdtempSync(join(process.env.HOME!, 'doctor-'));
  const home = join(root, 'home');
  const project = join(root, 'project');
  mkdirSync(join(home, '.config', 'Claude'), { recursive: true });
  mkdirSync(join(project, '.claude'), { recursive: true });
  if (files.user) writeFileSync(join(home, '.claude.json'), JSON.stringify({ mcpServers: files.user }, null, 2));
  if (files.project !== undefined) writeFileSync(join(project, '.mcp.json'), files.project);
  if (files.desktop !== undefined) writeFileSync(join(home, '.config', 'Claude', 'claude_desktop_config.json'), files.desktop);
  if (files.approvals) writeFileSync(join(project, '.claude', 'settings.local.json'), JSON.stringify(files.approvals));
  const env = { HOME: home, USERPROFILE: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_STATE_HOME: join(home, '.local', 'state') };
  return { home, project, env };
}

function doctor(ws: Workspace, ...args: string[]) {
  return runCli(['doctor', ...args], { cwd: ws.project, env: ws.env, timeoutMs: 60_000 });
}

describe('patchbay doctor', () => {
  let http: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    http = await startHttpFixture();
  });
  afterAll(async () => {
    await http.close();
  });

  it('exits 0 and says all is good when every server works', async () => {
    const ws = workspace({ user: { good: fixture('good-stdio'), web: { type: 'http', url: `${http.url}/mcp` } } });
    const result = await doctor(ws);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✔ good (stdio, user scope) — connected to fixture-good 1.0.0, 4 tools');
    expect(result.stdout).toContain('✔ web (http, user scope) — connected to fixture-http 1.0.0, 4 tools');
    expect(result.stdout).toContain(`Per-server logs (when Patchbay runs them): ${join(ws.home, '.local', 'state', 'patchbay')}`);
    expect(result.stdout).toMatch(/All good\.\n$/);
  });

  it('explains every failure class with where and the fix, and exits 1', async () => {
    const ws = workspace({
      user: {
        good: fixture('good-stdio'),
        crash: fixture('crash-at-start'),
        dep: fixture('missing-dep'),
        noisy: fixture('non-json-stdout'),
        hang: fixture('hang'),
        nocmd: { command: 'patchbay-missing-runtime', args: ['server.js'], env: {} },
        rel: { command: process.execPath, args: ['dist/server.js'], env: {} },
        envless: { ...fixture('good-stdio'), env: { TOKEN: '${DOCTOR_TEST_UNSET}' } },
        auth: { type: 'http', url: `${http.url}/auth/mcp` },
        gone: { type: 'http', url: `${http.url}/wrong/path` },
      },
    });
    const { code, stdout } = await doctor(ws, '--timeout', '8000');
    expect(code).toBe(1);
    const file = join(ws.home, '.claude.json');
    expect(stdout).toContain('✔ good (stdio, user scope)');
    expect(stdout).toContain('crash: exited with code 3 before answering initialize');
    expect(stdout).toContain('stderr: Error: FIXTURE_API_KEY is not set; cannot start');
    expect(stdout).toContain(`where: ${file} (user scope), server "crash"`);
    expect(stdout).toContain('dep: exited with code 1: missing dependency "left-pad" (node module)');
    expect(stdout).toContain('fix: Install it where the server runs (e.g. `npm install left-pad`');
    expect(stdout).toContain('⚠ noisy (stdio, user scope) — connected to fixture-non-json 1.0.0, 4 tools, but prints non-JSON on stdout');
    expect(stdout).toContain('"Terminate batch job (Y/N)?"');
    expect(stdout).toContain('hang: no answer to initialize within 8000 ms');
    expect(stdout).toContain('nocmd: command "patchbay-missing-runtime" was not found on PATH');
    expect(stdout).toContain('Claude Desktop do not inherit your shell\'s PATH');
    expect(stdout).toContain('rel: exited with code 1 during start-up: argument "dist/server.js" is a relative path');
    expect(stdout).toContain('envless: environment variable DOCTOR_TEST_UNSET not set');
    expect(stdout).toContain('! auth (http, user scope) — needs authentication (HTTP 401)');
    expect(stdout).toContain(`gone: HTTP 404: no MCP endpoint at ${http.url}/wrong/path`);
    expect(stdout).toContain('9 problems found.');
  });

  it('prints JSON with --json', async () => {
    const ws = workspace({ user: { good: fixture('good-stdio'), crash: fixture('crash-at-start') } });
    const { code, stdout } = await doctor(ws, '--json');
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { healthy: boolean; servers: Array<{ name: string; healthy: boolean; result: { kind?: string; status: string } }> };
    expect(report.healthy).toBe(false);
    const byName = Object.fromEntries(report.servers.map((s) => [s.name, s]));
    expect(byName.good).toMatchObject({ healthy: true, result: { status: 'connected' } });
    expect(byName.crash).toMatchObject({ healthy: false, result: { status: 'failed', kind: 'exited' } });
  });

  it('checks only NAME when given, and says so when NAME does not exist', async () => {
    const ws = workspace({ user: { good: fixture('good-stdio'), crash: fixture('crash-at-start') } });
    const one = await doctor(ws, 'good');
    expect(one.code).toBe(0);
    expect(one.stdout).not.toContain('crash');
    const missing = await doctor(ws, 'nosuch');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No MCP server named "nosuch"');
    expect(missing.stderr).toContain('Configured servers: crash, good.');
  });

  it('shows a config file that is not valid JSON at file:line:column with the line', async () => {
    const ws = workspace({ user: { good: fixture('good-stdio') }, project: '{\n  "mcpServers": {\n    "proj": {"command": "node",}\n  }\n}\n' });
    const { code, stdout } = await doctor(ws);
    expect(code).toBe(1);
    expect(stdout).toContain(`${join(ws.project, '.mcp.json')}:3:`);
    expect(stdout).toContain('"proj": {"command": "node",}');
    expect(stdout).toContain('✔ good');
  });

  it("reports Claude Desktop's config when it is not valid JSON", async () => {
    const ws = workspace({ user: { good: fixture('good-stdio') }, desktop: '{ "mcpServers": { "x": { "command": "node" } }' });
    const { code, stdout } = await doctor(ws);
    expect(code).toBe(1);
    expect(stdout).toContain(join(ws.home, '.config', 'Claude', 'claude_desktop_config.json'));
  });

  it('reports schema problems with the server and field', async () => {
    const ws = workspace({ project: JSON.stringify({ mcpServers: { broken: { type: 'stdio', args: ['x'] } } }, null, 2) });
    const { code, stdout } = await doctor(ws);
    expect(code).toBe(1);
    expect(stdout).toContain('server "broken"');
  });

  it('says how to approve a project server that is pending approval', async () => {
    const ws = workspace({ project: JSON.stringify({ mcpServers: { shared: fixture('good-stdio') } }, null, 2) });
    const { code, stdout } = await doctor(ws);
    expect(code).toBe(1);
    expect(stdout).toContain('⏸ shared (stdio, project scope) — project server not approved yet');
    expect(stdout).toContain('"enabledMcpjsonServers"');
    const approved = workspace({
      project: JSON.stringify({ mcpServers: { shared: fixture('good-stdio') } }, null, 2),
      approvals: { enabledMcpjsonServers: ['shared'] },
    });
    const after = await doctor(approved);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('✔ shared (stdio, project scope)');
  });

  it('rejects a bad --timeout with a usage error', async () => {
    const ws = workspace({});
    const result = await doctor(ws, '--timeout', 'soon');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--timeout "soon": expected a positive number of milliseconds');
  });
});
