/**
 * `patchbay policy check` and `patchbay doctor` on the permissions, through the real CLI, with
 * a real configured server (the policy fixture) so doctor can check rules against its tools.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { claudeJsonPath } from '../../src/config/locations.js';
import { runCli } from '../helpers/cli.js';
import { FILES_SERVER, writeConfig } from './helpers.js';

const project = mkdtempSync(join(tmpdir(), 'patchbay-policy-cli-'));

beforeAll(() => {
  writeFileSync(claudeJsonPath(), JSON.stringify({ mcpServers: { files: { type: 'stdio', command: process.execPath, args: [FILES_SERVER], env: {} } } }, null, 2));
  writeConfig({
    permissions: {
      allow: ['mcp__files__read_file(path:~/projects/**)', 'mcp__files__write_file'],
      ask: ['mcp__files__write_*'],
      deny: ['mcp__files__read_file(path:~/.ssh/**)', 'mcp__files__delete_all(client:cursor)', 'mcp__gitlab', 'mcp__files__no_such_tool'],
    },
    servers: { files: { defaultMode: 'deny' } },
  });
  mkdirSync(join(project, '.claude'), { recursive: true });
  writeFileSync(join(project, '.claude', 'settings.json'), JSON.stringify({ permissions: { allow: ['mcp__files__delete_all'], deny: ['mcp__files__write_file(path:/etc/**)'] } }));
});

describe('patchbay policy check', () => {
  const check = (...args: string[]) => runCli(['policy', 'check', ...args], { cwd: project });

  it('prints the decision and the rule that made it', async () => {
    const ssh = await check('claude-code', 'files', 'read_file', '{"path": "~/projects/../.ssh/id_rsa"}');
    expect(ssh.code).toBe(0);
    expect(ssh.stdout).toMatch(/^deny  client "claude-code" → files__read_file\n  rule: deny "mcp__files__read_file\(path:~\/.ssh\/\*\*\)" in .*config\.json/);

    expect((await check('claude-code', 'files', 'read_file', '{"path": "~/projects/site/a.md"}')).stdout).toMatch(/^allow .*\n  rule: allow "mcp__files__read_file\(path:~\/projects\/\*\*\)"/);
    expect((await check('claude-code', 'files', 'read_file', '{"path": "/tmp/a"}')).stdout).toMatch(/^deny .*\n  no rule names it: servers\.files\.defaultMode is "deny"/);
    // ask is evaluated before allow
    expect((await check('claude-code', 'files', 'write_file', '{"path": "/tmp/a"}')).stdout).toMatch(/^ask .*\n  rule: ask "mcp__files__write_\*"/);
    // the project's deny applies; its allow does not
    expect((await check('cursor', 'files', 'files__write_file', '{"path": "/etc/hosts"}')).stdout).toMatch(/^deny .*\n  rule: deny "mcp__files__write_file\(path:\/etc\/\*\*\)" in .*\.claude\/settings\.json/);
    expect((await check('cursor', 'files', 'delete_all')).stdout).toMatch(/^deny .*\n  rule: deny "mcp__files__delete_all\(client:cursor\)"/);
    expect((await check('vscode', 'files', 'delete_all')).stdout).toMatch(/^deny [^\n]*\n  no rule names it: servers\.files\.defaultMode/);
    const json = JSON.parse((await check('vscode', 'files', 'write_file', '{}', '--json')).stdout) as { decision: { mode: string; rule: string } };
    expect(json.decision).toMatchObject({ mode: 'ask', rule: 'mcp__files__write_*' });
  });

  it('says what is wrong with ARGS-JSON', async () => {
    const bad = await check('cursor', 'files', 'read_file', '{path: 1}');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('ARGS-JSON is not valid JSON');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('patchbay doctor on the permissions', () => {
  it('reports rules that cannot match anything, rules that shadow each other, and ignored project allows', async () => {
    const doctor = await runCli(['doctor'], { cwd: project, timeoutMs: 60_000 });
    expect(doctor.stdout).toMatch(/Permissions \(\d+ notes?\):/);
    expect(doctor.stdout).toMatch(/⚠ deny rule "mcp__gitlab" .*names server "gitlab", which is not configured/);
    expect(doctor.stdout).toMatch(/⚠ deny rule "mcp__files__no_such_tool" .*has no tool matching "no_such_tool"/);
    expect(doctor.stdout).toMatch(/⚠ allow rule "mcp__files__write_file" .*never takes effect: ask rule "mcp__files__write_\*"/);
    expect(doctor.stdout).toMatch(/ℹ .*settings\.json.*allow rule "mcp__files__delete_all" is ignored by Patchbay/);
    // notes, not failures: the server is healthy and the rules are valid
    expect(doctor.code).toBe(0);
    writeConfig({ permissions: { deny: ['mcp__files__read_file(path:'] } });
    const broken = await runCli(['doctor'], { cwd: project, timeoutMs: 60_000 });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/config\.json:\d+: deny rule "mcp__files__read_file\(path:"/);
  });
});
