/**
 * Issue 9, item 10: Patchbay's own scope (`<config dir>/mcp.json`), read by the hub and by no
 * host. `connect claude-code` leaves Claude Code with each server once (its own directly, the
 * rest through the gateway, which `mcp list` shows as the gateway and does not probe);
 * `--import` moves servers there and says which file; `disconnect` gives them back and deletes
 * files it created if they are left empty; `add-from-claude-desktop --all` twice adds nothing twice.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../cli-mcp/sandbox.js';
import { runCli } from '../helpers/cli.js';
import { ECHO_SERVER } from '../gateway/helpers/harness.js';
// @ts-expect-error plain .mjs helper shared with the recorder script
import { CLAUDE_BIN } from '../cli-mcp/fixtures/claude-code/record.mjs';

function scopeFile(sandbox: Sandbox): string {
  return join(sandbox.home, '.config', 'patchbay', 'mcp.json');
}

const echo = (label: string) => ({ type: 'stdio', command: process.execPath, args: [ECHO_SERVER, label], env: {} });

/** Launches an entry exactly as the host would, and lists the tools it serves. */
async function toolsThrough(entry: { command: string; args: string[] }, sandbox: Sandbox): Promise<string[]> {
  const client = new Client({ name: 'host-sim', version: '1' });
  await client.connect(new StdioClientTransport({ command: entry.command, args: entry.args, cwd: sandbox.project, env: { ...(process.env as Record<string, string>), ...(sandbox.env as Record<string, string>) }, stderr: 'pipe' }));
  try {
    return (await client.listTools()).tools.map((t) => t.name).sort();
  } finally {
    await client.close();
  }
}

const connect = (sandbox: Sandbox, args: string[]) => runCli(args, { cwd: sandbox.project, env: sandbox.env, timeoutMs: 60_000 });

describe("Patchbay's scope", () => {
  it('-s patchbay writes <config>/mcp.json (0600 in a 0700 folder); list, get and remove know it', async () => {
    const sandbox = createSandbox();
    const add = await sandbox.run(['add', '-s', 'patchbay', 'pb', 'node', 'pb.js']);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain(`File modified: ${scopeFile(sandbox)}`);
    expect(sandbox.read(scopeFile(sandbox))).toEqual({ mcpServers: { pb: { type: 'stdio', command: 'node', args: ['pb.js'], env: {} } } });
    expect(statSync(scopeFile(sandbox)).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(scopeFile(sandbox))).mode & 0o777).toBe(0o700);
    expect(existsSync(sandbox.claudeJson)).toBe(false);

    const json = await sandbox.run(['list', '--json', '--timeout', '300']);
    expect(JSON.parse(json.stdout)).toMatchObject([{ name: 'pb', scope: 'patchbay', file: scopeFile(sandbox) }]);
    const get = await sandbox.run(['get', 'pb', '--timeout', '300']);
    expect(get.stdout).toContain("Scope: Patchbay config (all your projects, served by Patchbay's hub; no host reads it)");
    expect((await sandbox.run(['remove', 'pb'])).stdout).toContain('Removed MCP server pb from patchbay config');
    expect(sandbox.read(scopeFile(sandbox))).toEqual({ mcpServers: {} });
  });

  it('precedence: local > project > patchbay > user, and get says which entry is overridden', async () => {
    const sandbox = createSandbox();
    await sandbox.run(['add', '-s', 'user', 'same', 'node', 'user.js']);
    await sandbox.run(['add', '-s', 'patchbay', 'same', 'node', 'patchbay.js']);
    let get = await sandbox.run(['get', 'same', '--json', '--timeout', '300']);
    expect(JSON.parse(get.stdout)).toMatchObject({ scope: 'patchbay', args: ['patchbay.js'], shadowed: [{ scope: 'user', file: sandbox.claudeJson }] });
    await sandbox.run(['add', '-s', 'project', 'same', 'node', 'project.js']);
    get = await sandbox.run(['get', 'same', '--json', '--timeout', '300']);
    expect(JSON.parse(get.stdout)).toMatchObject({ scope: 'patchbay' }); // not approved yet
    sandbox.write(sandbox.settingsLocal, { enabledMcpjsonServers: ['same'] });
    get = await sandbox.run(['get', 'same', '--json', '--timeout', '300']);
    expect(JSON.parse(get.stdout)).toMatchObject({ scope: 'project', args: ['project.js'] });
    await sandbox.run(['add', 'same', 'node', 'local.js']);
    get = await sandbox.run(['get', 'same', '--json', '--timeout', '300']);
    expect(JSON.parse(get.stdout)).toMatchObject({ scope: 'local', args: ['local.js'] });
  });
});

describe.skipIf(!existsSync(CLAUDE_BIN))('the real Claude Code', () => {
  it("does not read Patchbay's scope", () => {
    const sandbox = createSandbox();
    sandbox.write(scopeFile(sandbox), { mcpServers: { pb: { type: 'stdio', command: 'node', args: ['pb.js'], env: {} } } });
    const r = spawnSync(CLAUDE_BIN, ['mcp', 'list'], { cwd: sandbox.project, env: { PATH: process.env.PATH, ...sandbox.env, DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' }, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('No MCP servers configured');
  });
});

describe('connect claude-code', () => {
  it('Claude Code sees each server once, before and after --import; disconnect gives everything back', { timeout: 180_000 }, async () => {
    const sandbox = createSandbox();
    sandbox.write(sandbox.claudeJson, { numStartups: 7, mcpServers: { mine: echo('mine') } });
    expect((await sandbox.run(['add', '-s', 'patchbay', 'behind', process.execPath, ECHO_SERVER, 'behind'])).code).toBe(0);

    const connected = await connect(sandbox, ['connect', 'claude-code']);
    expect(connected.code, connected.stderr).toBe(0);
    expect(connected.stdout).toContain(`through Patchbay it gets only the servers of Patchbay's scope (${scopeFile(sandbox)}), so it sees each server once`);
    let user = (sandbox.read(sandbox.claudeJson) as any).mcpServers;
    expect(Object.keys(user).sort()).toEqual(['mine', 'patchbay']);
    // Claude Code runs `mine` itself; through the gateway it gets `behind`, and not `mine` again.
    const before = await toolsThrough(user.patchbay, sandbox);
    expect(before).toContain('behind__whoami');
    expect(before.filter((t) => !t.startsWith('behind__'))).toEqual([]);

    // mcp list: the gateway entry for what it is, not "Disabled", and not probed through itself.
    const list = await sandbox.run(['list', '--timeout', '20000']);
    expect(list.stdout).toMatch(/patchbay: .* - ⇄ Patchbay gateway, serves the servers of Patchbay's scope through the hub \(1: behind\); not checked through itself/);
    expect(list.stdout).not.toContain('Disabled');
    const listJson = JSON.parse((await sandbox.run(['list', '--json', '--timeout', '20000'])).stdout) as any[];
    expect(listJson.find((s) => s.name === 'patchbay')).toMatchObject({ status: 'gateway', serves: ['behind'] });

    const imported = await connect(sandbox, ['connect', 'claude-code', '--import']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`Moved into Patchbay's scope (${scopeFile(sandbox)}): mine.`);
    user = (sandbox.read(sandbox.claudeJson) as any).mcpServers;
    expect(Object.keys(user)).toEqual(['patchbay']);
    expect((sandbox.read(scopeFile(sandbox)) as any).mcpServers.mine).toEqual(echo('mine'));
    const tools = await toolsThrough(user.patchbay, sandbox);
    expect(tools.filter((t) => t.endsWith('__whoami'))).toEqual(['behind__whoami', 'mine__whoami']);

    const disconnected = await connect(sandbox, ['disconnect', 'claude-code']);
    expect(disconnected.code, disconnected.stderr).toBe(0);
    expect(sandbox.read(sandbox.claudeJson)).toEqual({ numStartups: 7, mcpServers: { mine: echo('mine') } });
    // The scope file existed before connect (it holds `behind`), so it stays, without `mine`.
    expect(sandbox.read(scopeFile(sandbox))).toEqual({ mcpServers: { behind: echo('behind') } });
  });
});

describe('disconnect removes what connect created', () => {
  it("a host file and folder connect made, and Patchbay's scope file, go when left empty", async () => {
    const sandbox = createSandbox();
    const cursor = join(sandbox.home, '.cursor', 'mcp.json');
    expect((await connect(sandbox, ['connect', 'cursor'])).code).toBe(0);
    expect(existsSync(cursor)).toBe(true);
    const r = await connect(sandbox, ['disconnect', 'cursor']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Deleted ${cursor}: connect had created it and it is empty now.`);
    expect(existsSync(join(sandbox.home, '.cursor'))).toBe(false);

    // --import into a scope file that did not exist: it goes too, once the servers are back.
    sandbox.write(sandbox.desktopConfig, { mcpServers: { fs: { command: 'npx', args: ['-y', 'fs-server'] } } });
    const connected = await connect(sandbox, ['connect', 'claude-desktop', '--import']);
    expect(connected.stdout).toContain(`Moved into Patchbay's scope (${scopeFile(sandbox)}): fs.`);
    expect(existsSync(scopeFile(sandbox))).toBe(true);
    const back = await connect(sandbox, ['disconnect', 'claude-desktop']);
    expect(back.stdout).toContain(`Deleted ${scopeFile(sandbox)}`);
    expect(existsSync(scopeFile(sandbox))).toBe(false);
    expect(sandbox.read(sandbox.desktopConfig)).toEqual({ mcpServers: { fs: { command: 'npx', args: ['-y', 'fs-server'] } } });
  });

  it('a file that existed before connect stays, even when it is left empty', async () => {
    const sandbox = createSandbox();
    const cursor = join(sandbox.home, '.cursor', 'mcp.json');
    sandbox.write(cursor, { mcpServers: {} });
    await connect(sandbox, ['connect', 'cursor']);
    await connect(sandbox, ['disconnect', 'cursor']);
    expect(readFileSync(cursor, 'utf8')).toBe(JSON.stringify({ mcpServers: {} }, null, 2));
  });
});

describe('add-from-claude-desktop --all, twice', () => {
  it('imports nothing twice; a different server of the same name is still kept as name_1', async () => {
    const sandbox = createSandbox();
    sandbox.write(sandbox.desktopConfig, { mcpServers: { fs: { command: 'npx', args: ['-y', 'fs'] }, gh: { command: 'npx', args: ['-y', 'gh'] } } });
    await sandbox.run(['add', '-s', 'user', 'gh', 'node', 'other-gh.js']);
    const first = await sandbox.run(['add-from-claude-desktop', '--all', '-s', 'user']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('Imported 2 MCP servers from Claude Desktop to user config: fs, gh_1');
    const second = await sandbox.run(['add-from-claude-desktop', '--all', '-s', 'user']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('Already in user config with the same entry, skipped: fs, gh (as gh_1)');
    expect(second.stdout).toContain('Nothing new to import');
    expect(Object.keys((sandbox.read(sandbox.claudeJson) as any).mcpServers)).toEqual(['gh', 'fs', 'gh_1']);
  });
});
