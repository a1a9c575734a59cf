/**
 * `patchbay scan` and `patchbay doctor` through the real CLI, on real fixture servers configured
 * in a temporary home: a poisoned server makes both exit 1 and say what and where; a clean
 * configuration exits 0. No hub runs.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { POLICY_FIXTURES } from '../fixture-servers.js';

function workspace(servers: Record<string, string>, serverEnv: Record<string, Record<string, string>> = {}) {
  const root = mkdtempSync(join(process.env.HOME!, 'scan-'));
  const home = join(root, 'home');
  const project = join(root, 'project');
  mkdirSync(home, { recursive: true });
  mkdirSync(project, { recursive: true });
  const mcpServers = Object.fromEntries(Object.entries(servers).map(([name, file]) => [name, { type: 'stdio', command: process.execPath, args: [join(POLICY_FIXTURES, file)], env: serverEnv[name] ?? {} }]));
  writeFileSync(join(home, '.claude.json'), JSON.stringify({ mcpServers }));
  const env = { HOME: home, USERPROFILE: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local', 'share'), XDG_STATE_HOME: join(home, '.local', 'state') };
  return { project, env };
}

describe('patchbay scan', () => {
  it('reports poisoned and shadowing servers with what, where and the text, and exits 1', async () => {
    const ws = workspace({ victim: 'poisoned/victim.mjs', shadowing: 'poisoned/shadowing.mjs', tags: 'poisoned/instruction-tags.mjs' });
    const result = await runCli(['scan'], { cwd: ws.project, env: ws.env, timeoutMs: 60_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✔ victim \(user scope\): 3 tools, 0 prompts, 0 templates — clean/);
    expect(result.stdout).toMatch(/✘ shadowing \(user scope\): 6 tools, .* — 2 errors, 1 warning/);
    expect(result.stdout).toContain('error  shadowing / tool "add" — description: names "send_email" of server "victim" and tells the model how to use it');
    expect(result.stdout).toContain('error  tags / tool "add_fullwidth" — description: an instruction tag <important> addresses the model');
    expect(result.stdout).not.toMatch(/tags \/ tool "format_html"/);
    expect(result.stdout).toContain('The hub holds definitions with error-level findings back until `patchbay pins approve SERVER NAME`.');

    const json = await runCli(['scan', 'shadowing', '--json'], { cwd: ws.project, env: ws.env, timeoutMs: 60_000 });
    const report = JSON.parse(json.stdout) as { clean: boolean; servers: { name: string }[]; findings: { server: string; check: string; level: string }[] };
    expect(report.clean).toBe(false);
    expect(report.servers.map((s) => s.name)).toEqual(['shadowing']);
    expect(report.findings.every((f) => f.server === 'shadowing')).toBe(true);
    expect(report.findings.filter((f) => f.level === 'error').map((f) => f.check)).toEqual(['shadowing', 'shadowing']);
  });

  it('exits 0 on clean servers, and names an unknown server with the configured ones', async () => {
    const ws = workspace({ victim: 'poisoned/victim.mjs' });
    const result = await runCli(['scan'], { cwd: ws.project, env: ws.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Nothing the hub would hold back.');
    const unknown = await runCli(['scan', 'nope'], { cwd: ws.project, env: ws.env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No MCP server named "nope"');
    expect(unknown.stderr).toContain('Configured servers: victim');
  });

  it('never prints a credential the server quotes in a description', async () => {
    const token = 'sk-Live-4F9a8B7c6D5e4F3a2B1c';
    const ws = workspace({ leaky: 'poisoned/leaky.mjs' }, { leaky: { API_TOKEN: token } });
    for (const args of [['scan'], ['scan', '--json'], ['doctor']]) {
      const result = await runCli(args, { cwd: ws.project, env: ws.env, timeoutMs: 60_000 });
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('leaky');
      expect((result.stdout + result.stderr).toLowerCase()).not.toContain(token.toLowerCase());
    }
  });

  it('doctor includes the scan and is not healthy while a definition would be held back', async () => {
    const ws = workspace({ victim: 'poisoned/victim.mjs', lookalike: 'poisoned/lookalike.mjs' });
    const result = await runCli(['doctor'], { cwd: ws.project, env: ws.env, timeoutMs: 60_000 });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✔ lookalike (stdio, user scope) — connected to lookalike 1.0.0, 7 tools');
    expect(result.stdout).toMatch(/Description scan \(4; `patchbay scan` has the details\):/);
    expect(result.stdout).toContain('error  lookalike / tool "read_fiIe" — name: the name "read_fiIe" looks like "read_file" of server "victim"');
    expect(result.stdout).toMatch(/3 problems found\.\n$/);
  });
});
