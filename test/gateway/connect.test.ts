/**
 * `patchbay connect` / `disconnect` on real host files in a temporary home: the gateway entry is
 * written with absolute node and bin paths after a backup, every other key survives, `--import`
 * moves the host's servers into Patchbay's registry and `disconnect` gives them back; and the
 * entry a host would launch really serves the imported servers.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { describe, expect, it } from 'vitest';
import { claudeDesktopConfigPath, claudeJsonPath, patchbayScopePath } from '../../src/config/locations.js';
import { backupDir } from '../../src/config/store/backup.js';
import { PATCHBAY_BIN, runCli } from '../helpers/cli.js';
import { ECHO_SERVER } from './helpers/harness.js';

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
function write(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2));
}

describe('patchbay connect / disconnect', () => {
  const project = mkdtempSync(join(tmpdir(), 'patchbay-connect-'));

  it('claude-desktop --import: moves its servers into the registry, writes a working gateway entry, and disconnect restores it', { timeout: 60_000 }, async () => {
    const desktop = claudeDesktopConfigPath();
    const original = {
      globalShortcut: 'Ctrl+Space',
      mcpServers: {
        echoer: { command: process.execPath, args: [ECHO_SERVER, 'desktop'], env: { GREETING: 'hi' } },
      },
    };
    write(desktop, original);
    write(claudeJsonPath(), { numStartups: 3, mcpServers: {} });

    const connected = await runCli(['connect', 'claude-desktop', '--import'], { cwd: project });
    expect(connected.code, connected.stderr).toBe(0);
    expect(connected.stdout).toContain(`Moved into Patchbay's scope (${patchbayScopePath()}): echoer`);

    const after = read(desktop);
    expect(after.globalShortcut).toBe('Ctrl+Space');
    expect(Object.keys(after.mcpServers)).toEqual(['patchbay']);
    expect(after.mcpServers.patchbay).toMatchObject({ command: process.execPath, args: [PATCHBAY_BIN, 'gateway', '--stdio', '--client', 'claude-desktop'] });
    // Into Patchbay's own scope, which no host reads; Claude Code's file is left alone.
    expect(read(patchbayScopePath()).mcpServers.echoer).toEqual(original.mcpServers.echoer);
    expect(read(claudeJsonPath())).toEqual({ numStartups: 3, mcpServers: {} });
    expect(readdirSync(backupDir()).some((n) => n.startsWith('claude_desktop_config.json-'))).toBe(true);

    // Launch the entry exactly as Claude Desktop would and see the imported server through it.
    const entry = after.mcpServers.patchbay;
    const client = new Client({ name: 'desktop-sim', version: '1' });
    await client.connect(new StdioClientTransport({ command: entry.command, args: entry.args, cwd: project, env: { ...(process.env as Record<string, string>) }, stderr: 'pipe' }));
    let names: string[] = [];
    for (let i = 0; i < 100 && !names.includes('echoer__whoami'); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      names = (await client.listTools()).tools.map((t) => t.name);
    }
    const who = await client.callTool({ name: 'echoer__whoami', arguments: {} });
    expect(who.content).toEqual([{ type: 'text', text: 'desktop' }]);
    await client.close();

    const disconnected = await runCli(['disconnect', 'claude-desktop'], { cwd: project });
    expect(disconnected.code, disconnected.stderr).toBe(0);
    expect(read(desktop)).toEqual(original);
    // connect created Patchbay's scope file; left empty, it is gone again.
    expect(existsSync(patchbayScopePath())).toBe(false);
  });

  it('claude-code: adds a user-scope entry that Patchbay itself never launches, keeping every other key', async () => {
    write(claudeJsonPath(), { numStartups: 9, projects: { [project]: { allowedTools: ['x'] } }, mcpServers: { keep: { type: 'stdio', command: 'node', args: ['k.js'], env: {} } } });
    const r = await runCli(['connect', 'claude-code'], { cwd: project });
    expect(r.code, r.stderr).toBe(0);
    const data = read(claudeJsonPath());
    expect(data.numStartups).toBe(9);
    expect(data.projects[project].allowedTools).toEqual(['x']);
    expect(data.mcpServers.keep).toEqual({ type: 'stdio', command: 'node', args: ['k.js'], env: {} });
    expect(data.mcpServers.patchbay).toMatchObject({ type: 'stdio', command: process.execPath, args: [PATCHBAY_BIN, 'gateway', '--stdio', '--for', 'claude-code', '--client', 'claude-code'], patchbay: { disabled: true } });
    expect((await runCli(['disconnect', 'claude-code'], { cwd: project })).code).toBe(0);
    expect(read(claudeJsonPath()).mcpServers).toEqual({ keep: { type: 'stdio', command: 'node', args: ['k.js'], env: {} } });
  });

  it('vscode: writes .vscode/mcp.json under "servers" with type stdio and the project as --cwd, keeping inputs', async () => {
    const file = join(project, '.vscode', 'mcp.json');
    write(file, { inputs: [{ id: 'key', type: 'promptString' }], servers: {} });
    const r = await runCli(['connect', 'vscode'], { cwd: project });
    expect(r.code, r.stderr).toBe(0);
    const data = read(file);
    expect(data.inputs).toEqual([{ id: 'key', type: 'promptString' }]);
    expect(data.servers.patchbay).toEqual({ type: 'stdio', command: process.execPath, args: [PATCHBAY_BIN, 'gateway', '--stdio', '--cwd', expect.any(String), '--client', 'vscode'] });
    await runCli(['disconnect', 'vscode'], { cwd: project });
    expect(read(file).servers).toEqual({});
  });

  it('a broken host file is reported with file and line, and nothing is written', async () => {
    const file = join(process.env.HOME!, '.cursor', 'mcp.json');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '{\n  "mcpServers": {\n    "a": { "command": "x", }\n  }\n');
    const before = readFileSync(file, 'utf8');
    const r = await runCli(['connect', 'cursor'], { cwd: project });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/mcp\.json:3:\d+: trailing comma/);
    expect(r.stderr).not.toContain('    at ');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('an unknown host is a usage error that lists the hosts', async () => {
    const r = await runCli(['connect', 'notepad'], { cwd: project });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('claude-desktop, claude-code, cursor, vscode');
    expect(existsSync(join(project, '.vscode', 'notepad'))).toBe(false);
  });
});
