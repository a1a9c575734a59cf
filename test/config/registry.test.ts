/** loadRegistry and resolveServers against real files in a temporary home. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { claudeDesktopConfigPath } from '../../src/config/locations.js';
import { loadRegistry, resolveServers } from '../../src/config/registry.js';
import { freshHome, type TestHome } from './home.js';

let t: TestHome;
beforeEach(() => {
  t = freshHome();
});

const stdio = (command: string) => ({ type: 'stdio', command, args: [], env: {} });
const names = (servers: { name: string; scope: string }[]) => servers.map((s) => `${s.name}@${s.scope}`).sort();

describe('loadRegistry', () => {
  it('reads user, local and project scopes from their files', async () => {
    t.write(t.claudeJson, { mcpServers: { u: stdio('u') }, projects: { [t.project]: { mcpServers: { l: stdio('l') } }, '/elsewhere': { mcpServers: { other: stdio('o') } } } });
    t.write(join(t.project, '.mcp.json'), { mcpServers: { p: stdio('p') } });
    const registry = await loadRegistry({ cwd: t.project });
    expect(registry.projectRoot).toBe(t.project);
    expect(names(registry.servers)).toEqual(['l@local', 'p@project', 'u@user']);
    expect(registry.servers.find((s) => s.name === 'p')).toMatchObject({ file: join(t.project, '.mcp.json'), approval: 'pending' });
    expect(registry.problems).toEqual([]);
  });

  it('the project is the nearest folder with .git above cwd (a .git file counts too), else cwd', async () => {
    const sub = join(t.project, 'src', 'deep');
    mkdirSync(sub, { recursive: true });
    expect((await loadRegistry({ cwd: sub })).projectRoot).toBe(sub);
    mkdirSync(join(t.project, '.git'));
    expect((await loadRegistry({ cwd: sub })).projectRoot).toBe(t.project);
    const worktree = join(t.home, 'wt');
    mkdirSync(join(worktree, 'a'), { recursive: true });
    writeFileSync(join(worktree, '.git'), 'gitdir: /somewhere/.git/worktrees/wt\n');
    expect((await loadRegistry({ cwd: join(worktree, 'a') })).projectRoot).toBe(worktree);
  });

  it('precedence: local > approved project > user; unapproved project entries are skipped', async () => {
    t.write(t.claudeJson, { mcpServers: { both: stdio('user-both'), shadow: stdio('user-shadow'), solo: stdio('user-solo') }, projects: { [t.project]: { mcpServers: { both: stdio('local-both') } } } });
    t.write(join(t.project, '.mcp.json'), { mcpServers: { both: stdio('project-both'), shadow: stdio('project-shadow'), pend: stdio('p'), rej: stdio('r') } });
    t.write(join(t.project, '.claude', 'settings.local.json'), { enabledMcpjsonServers: ['both', 'shadow', 'rej'], disabledMcpjsonServers: ['rej'] });
    const registry = await loadRegistry({ cwd: t.project });
    const resolved = resolveServers(registry);
    const byName = Object.fromEntries(resolved.map((s) => [s.name, s]));
    expect((byName.both!.entry as any).command).toBe('local-both');
    expect((byName.shadow!.entry as any).command).toBe('project-shadow');
    expect((byName.solo!.entry as any).command).toBe('user-solo');
    expect(byName.pend).toBeUndefined();
    expect(byName.rej).toBeUndefined();
    const all = Object.fromEntries(resolveServers(registry, { includeUnapproved: true }).map((s) => [s.name, s]));
    expect(all.pend!.approval).toBe('pending');
    expect(all.rej!.approval).toBe('rejected');
  });

  it('an unapproved project entry does not hide the user entry of the same name', async () => {
    t.write(t.claudeJson, { mcpServers: { x: stdio('user-x') } });
    t.write(join(t.project, '.mcp.json'), { mcpServers: { x: stdio('project-x') } });
    const resolved = resolveServers(await loadRegistry({ cwd: t.project }), { includeUnapproved: true });
    expect(resolved.map((s) => [s.name, s.scope])).toEqual([['x', 'user']]);
  });

  it('enableAllProjectMcpServers, and approvals kept in ~/.claude.json by older Claude Code versions', async () => {
    t.write(join(t.project, '.mcp.json'), { mcpServers: { a: stdio('a'), b: stdio('b') } });
    t.write(join(t.project, '.claude', 'settings.local.json'), { enableAllProjectMcpServers: true, disabledMcpjsonServers: ['b'] });
    let resolved = resolveServers(await loadRegistry({ cwd: t.project }));
    expect(resolved.map((s) => s.name)).toEqual(['a']);
    t.write(join(t.project, '.claude', 'settings.local.json'), {});
    t.write(t.claudeJson, { projects: { [t.project]: { enabledMcpjsonServers: ['b'] } } });
    resolved = resolveServers(await loadRegistry({ cwd: t.project }));
    expect(resolved.map((s) => s.name)).toEqual(['b']);
  });

  it('a syntax error names file, line, column and source line; other files still load', async () => {
    t.write(t.claudeJson, { mcpServers: { fine: stdio('fine') } });
    const mcpJson = join(t.project, '.mcp.json');
    t.write(mcpJson, '{\n  "mcpServers": {\n    "a": {"command": "x"},\n  }\n}\n');
    const registry = await loadRegistry({ cwd: t.project });
    expect(resolveServers(registry).map((s) => s.name)).toEqual(['fine']);
    expect(registry.problems).toEqual([expect.objectContaining({ file: mcpJson, line: 4, column: 3, sourceLine: '  }', message: expect.stringContaining('trailing comma') })]);
  });

  it('schema problems name file, server and field (with position); the rest of the file still loads', async () => {
    t.write(t.claudeJson, {
      mcpServers: {
        good: stdio('ok'),
        noCommand: { type: 'stdio', args: ['x'] },
        badArgs: { command: 'x', args: ['a', 2] },
        badUrl: { type: 'http', url: 'not a url' },
        badType: { type: 'websocket', url: 'wss://x' },
        badPort: { type: 'http', url: 'https://x/mcp', oauth: { callbackPort: 70000 } },
        typo: { command: 'x', patchbay: { allowtools: ['a'] } },
        'bad name': stdio('x'),
      },
    });
    const registry = await loadRegistry({ cwd: t.project });
    expect(registry.servers.map((s) => s.name)).toEqual(['good']);
    const by = (server: string) => registry.problems.find((p) => p.server === server)!;
    expect(by('noCommand')).toMatchObject({ file: t.claudeJson, field: 'command', message: 'server "noCommand": "command" is required: the program that starts the server' });
    expect(by('badArgs')).toMatchObject({ field: 'args[1]', message: expect.stringContaining('must be a string') });
    expect(by('badArgs').line).toBeGreaterThan(1);
    expect(by('badUrl')).toMatchObject({ field: 'url', message: expect.stringContaining('must be an http:// or https:// URL') });
    expect(by('badType')).toMatchObject({ field: 'type', message: expect.stringContaining('use "stdio", "http" or "sse"') });
    expect(by('badPort')).toMatchObject({ field: 'oauth.callbackPort', message: expect.stringContaining('1-65535') });
    expect(by('typo')).toMatchObject({ field: 'patchbay', message: expect.stringContaining('"allowtools"') });
    expect(by('bad name').message).toContain('letters, digits');
  });

  it('streamable-http is read as http; unknown keys and the patchbay key are kept', async () => {
    t.write(t.claudeJson, { mcpServers: { s: { type: 'streamable-http', url: 'https://${HOST}/mcp', extra: 1, patchbay: { disabled: true, prefix: '' } } } });
    const [server] = (await loadRegistry({ cwd: t.project })).servers;
    expect(server!.entry).toEqual({ type: 'http', url: 'https://${HOST}/mcp', extra: 1, patchbay: { disabled: true, prefix: '' } });
  });

  it('Claude Desktop is read only when asked, and never resolved as a Claude Code server', async () => {
    t.write(claudeDesktopConfigPath(), { mcpServers: { desk: { command: 'npx', args: ['x'] } } });
    expect((await loadRegistry({ cwd: t.project })).servers).toEqual([]);
    const registry = await loadRegistry({ cwd: t.project, includeClaudeDesktop: true });
    expect(registry.servers).toEqual([expect.objectContaining({ name: 'desk', scope: 'claude-desktop', file: claudeDesktopConfigPath() })]);
    expect(resolveServers(registry)).toEqual([]);
  });

  it("Claude Desktop's file is found per platform, from HOME/APPDATA/XDG_CONFIG_HOME at call time", () => {
    expect(claudeDesktopConfigPath('darwin', { HOME: '/Users/a' })).toBe('/Users/a/Library/Application Support/Claude/claude_desktop_config.json');
    expect(claudeDesktopConfigPath('win32', { HOME: 'C:/Users/a', APPDATA: 'C:/Users/a/AppData/Roaming' })).toBe(join('C:/Users/a/AppData/Roaming', 'Claude', 'claude_desktop_config.json'));
    expect(claudeDesktopConfigPath('linux', { HOME: '/home/a' })).toBe('/home/a/.config/Claude/claude_desktop_config.json');
    expect(claudeDesktopConfigPath('linux', { HOME: '/home/a', XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/Claude/claude_desktop_config.json');
    expect(claudeDesktopConfigPath('linux')).toBe(join(t.home, '.config', 'Claude', 'claude_desktop_config.json'));
  });
});
