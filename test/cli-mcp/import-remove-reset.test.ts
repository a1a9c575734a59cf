/** add-from-claude-desktop on Linux without a terminal, remove's scope rules, reset-project-choices. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PATCHBAY_BIN } from '../helpers/cli.js';
import { createSandbox, type Sandbox } from './sandbox.js';

const hasScript = spawnSync('script', ['--version']).status === 0;

const desktopServers = {
  fs: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'] },
  web: { type: 'http', url: 'https://example.com/mcp', headers: { Authorization: 'Bearer ${TOKEN}' } },
  events: { type: 'sse', url: 'https://example.com/sse' },
  github: { command: 'docker', args: ['run', '-i', 'ghcr.io/github/github-mcp-server'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_x' } },
};

function local(sandbox: Sandbox): Record<string, unknown> {
  return (sandbox.read(sandbox.claudeJson) as any).projects[sandbox.project].mcpServers;
}

describe('patchbay mcp add-from-claude-desktop', () => {
  it('--all imports stdio, http and sse entries exactly as they are in the Desktop file', async () => {
    const sandbox = createSandbox();
    sandbox.write(sandbox.desktopConfig, { mcpServers: desktopServers, globalShortcut: 'x' });
    const result = await sandbox.run(['add-from-claude-desktop', '--all']);
    expect(result.code).toBe(0);
    expect(local(sandbox)).toEqual(desktopServers);
    expect(result.stdout).toContain('Imported 4 MCP servers from Claude Desktop to local config');
  });

  it('--only picks servers; collisions become name_1, name_2 and are reported', async () => {
    const sandbox = createSandbox();
    sandbox.write(sandbox.desktopConfig, { mcpServers: desktopServers });
    sandbox.write(sandbox.claudeJson, { mcpServers: { fs: { command: 'mine' }, fs_1: { command: 'mine too' } } });
    const result = await sandbox.run(['add-from-claude-desktop', '-s', 'user', '--only', 'fs,web']);
    expect(result.code).toBe(0);
    const servers = (sandbox.read(sandbox.claudeJson) as any).mcpServers;
    expect(servers).toEqual({ fs: { command: 'mine' }, fs_1: { command: 'mine too' }, fs_2: desktopServers.fs, web: desktopServers.web });
    expect(result.stdout).toContain('Renamed "fs" to "fs_2": user config already has a different server named "fs"');
    const unknown = await sandbox.run(['add-from-claude-desktop', '--only', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("not in Claude Desktop's config: nope");
    expect(unknown.stderr).toContain('Available: fs, web, events, github');
  });

  it('without --all/--only and without a terminal, says to pass one and writes nothing', async () => {
    const sandbox = createSandbox();
    sandbox.write(sandbox.desktopConfig, { mcpServers: desktopServers });
    const result = await sandbox.run(['add-from-claude-desktop']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('pass --all, or --only name1,name2');
    expect(existsSync(sandbox.claudeJson)).toBe(false);
  });

  it.skipIf(!hasScript)('with a terminal and no --all/--only, a numbered prompt picks servers', async () => {
    const sandbox = createSandbox();
    sandbox.write(sandbox.desktopConfig, { mcpServers: desktopServers });
    // util-linux `script` gives the CLI a real pseudo-terminal.
    const child = spawn('script', ['-qec', `"${process.execPath}" "${PATCHBAY_BIN}" mcp add-from-claude-desktop`, '/dev/null'], {
      cwd: sandbox.project,
      env: { ...process.env, ...sandbox.env, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    const done = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      output += d;
      if (output.includes('Import which servers?') && !child.stdin.writableEnded) child.stdin.end('2,3\r');
    });
    expect(await done).toBe(0);
    expect(output).toContain('1) fs: npx -y @modelcontextprotocol/server-filesystem /tmp');
    expect(output).toContain('3) events: https://example.com/sse (SSE)');
    expect(local(sandbox)).toEqual({ web: desktopServers.web, events: desktopServers.events });
  }, 30_000);

  it('a missing or broken Desktop file is a clear error', async () => {
    const sandbox = createSandbox();
    const missing = await sandbox.run(['add-from-claude-desktop', '--all']);
    expect(missing.stderr).toContain(`no Claude Desktop config at ${sandbox.desktopConfig}`);
    sandbox.write(sandbox.desktopConfig, '{"mcpServers": {"a": {"command": "x"}}');
    const broken = await sandbox.run(['add-from-claude-desktop', '--all']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`${sandbox.desktopConfig}:1:`);
    expect(broken.stderr).toContain('Nothing was imported.');
  });
});

describe('patchbay mcp remove', () => {
  it('without -s fails when the name is in several scopes and lists the -s choices', async () => {
    const sandbox = createSandbox();
    expect((await sandbox.run(['add', '-s', 'user', 'twice', 'node', 'u.js'])).code).toBe(0);
    expect((await sandbox.run(['add', '-s', 'project', 'twice', 'node', 'p.js'])).code).toBe(0);
    const before = [readFileSync(sandbox.claudeJson, 'utf8'), readFileSync(sandbox.mcpJson, 'utf8')];
    const result = await sandbox.run(['remove', 'twice']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('exists in several scopes: project, user');
    expect(result.stderr).toContain('patchbay mcp remove twice -s project');
    expect(result.stderr).toContain('patchbay mcp remove twice -s user');
    expect([readFileSync(sandbox.claudeJson, 'utf8'), readFileSync(sandbox.mcpJson, 'utf8')]).toEqual(before);
    const user = await sandbox.run(['remove', 'twice', '-s', 'user']);
    expect(user.code).toBe(0);
    expect((sandbox.read(sandbox.claudeJson) as any).mcpServers).toEqual({});
    expect(Object.keys((sandbox.read(sandbox.mcpJson) as any).mcpServers)).toEqual(['twice']);
  });

  it('removing from project scope leaves the approvals alone; a broken entry can be removed', async () => {
    const sandbox = createSandbox();
    sandbox.write(sandbox.mcpJson, { mcpServers: { p: { command: 'x' }, broken: { type: 'http', url: 12 } } });
    const approvals = { enabledMcpjsonServers: ['p'], disabledMcpjsonServers: [] };
    sandbox.write(sandbox.settingsLocal, approvals);
    const removed = await sandbox.run(['remove', 'p']);
    expect(removed.stderr).toBe('');
    expect(removed.code).toBe(0);
    expect(sandbox.read(sandbox.settingsLocal)).toEqual(approvals);
    const broken = await sandbox.run(['remove', 'broken']);
    expect(broken.stderr).toBe('');
    expect(broken.code).toBe(0);
    expect(sandbox.read(sandbox.mcpJson)).toEqual({ mcpServers: {} });
  });

  it('an unknown name or wrong scope is a clear error', async () => {
    const sandbox = createSandbox();
    expect((await sandbox.run(['add', 'only-local', 'node'])).code).toBe(0);
    const wrong = await sandbox.run(['remove', 'only-local', '-s', 'user']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('no MCP server "only-local" in user config');
    expect(wrong.stderr).toContain('It is in: -s local');
    const none = await sandbox.run(['remove', 'ghost']);
    expect(none.stderr).toContain('no MCP server named "ghost"');
  });

  it('removing the last copy of a server forgets its stored client secret', async () => {
    const sandbox = createSandbox();
    expect((await sandbox.run(['add', '--client-secret=abcdef', 'oa', 'https://example.com/mcp'])).code).toBe(0);
    expect((sandbox.read(sandbox.credentials) as any).oauthClientSecrets.oa).toBeDefined();
    expect((await sandbox.run(['remove', 'oa'])).code).toBe(0);
    expect(sandbox.read(sandbox.credentials)).toEqual({ oauthClientSecrets: {} });
  });
});

describe('patchbay mcp reset-project-choices', () => {
  it('removes the approval keys and keeps every other setting (Claude Code would write {})', async () => {
    const sandbox = createSandbox();
    sandbox.write(sandbox.mcpJson, { mcpServers: { p: { command: 'x' } } });
    sandbox.write(sandbox.settingsLocal, { permissions: { allow: ['Bash(npm test)'] }, enabledMcpjsonServers: ['p'], enableAllProjectMcpServers: true, disabledMcpjsonServers: ['q'] });
    const result = await sandbox.run(['reset-project-choices']);
    expect(result.code).toBe(0);
    expect(sandbox.read(sandbox.settingsLocal)).toEqual({ permissions: { allow: ['Bash(npm test)'] } });
    const list = await sandbox.run(['list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ name: 'p', status: 'pending-approval' })]);
  });
});
