/**
 * How claude_code runs Claude Code, with a fake `claude` on PATH that speaks stream-json: the
 * arguments (only Patchbay's gateway as MCP server, never a permission bypass), the environment
 * (proxy URL and token, no provider key), progress events, the not-installed message, and a
 * timeout that kills the whole process group (a grandchild included).
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INSTALL_HINT, claudeArguments, runClaude } from '../../../src/servers/agent/claude-run.js';

const bin = mkdtempSync(join(tmpdir(), 'patchbay-fake-claude-'));
const record = join(bin, 'record.json');
const grandchild = join(bin, 'grandchild.pid');
writeFileSync(join(bin, 'claude'), `#!/usr/bin/env node
const fs = require('node:fs');
fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ args: process.argv.slice(2), cwd: process.cwd(), env: { base: process.env.ANTHROPIC_BASE_URL, token: process.env.ANTHROPIC_AUTH_TOKEN, openai: process.env.OPENAI_API_KEY ?? null } }));
const out = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
out({ type: 'system', subtype: 'init', tools: ['Read'], mcp_servers: [{ name: 'patchbay', status: 'connected' }] });
if (process.argv.includes('hang')) {
  const c = require('node:child_process').spawn('sleep', ['300'], { stdio: 'ignore' });
  fs.writeFileSync(${JSON.stringify(grandchild)}, String(c.pid));
  setInterval(() => {}, 1000);
} else {
  out({ type: 'assistant', message: { content: [{ type: 'text', text: 'working' }] } });
  out({ type: 'result', subtype: 'success', result: 'done: 2 files', is_error: false });
}
`);
chmodSync(join(bin, 'claude'), 0o755);

const base = { gateway: { url: 'http://127.0.0.1:1/mcp', token: 'pb_agent_client' }, proxy: { url: 'http://127.0.0.1:1', token: 'pb_agent_client' }, cwd: bin };
const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, OPENAI_API_KEY: 'sk-must-not-leak' };

describe('claude_code runs Claude Code', () => {
  it('builds arguments with only the gateway as MCP server and no permission bypass', () => {
    const args = claudeArguments({ prompt: 'fix it', allowedTools: ['Read', 'mcp__patchbay__files__read'], model: 'fast', gateway: base.gateway });
    expect(args).not.toContain('--dangerously-skip-permissions');
    expect(args.join(' ')).not.toMatch(/bypassPermissions|acceptEdits/);
    expect(args).toEqual(expect.arrayContaining(['-p', 'fix it', '--output-format', 'stream-json', '--strict-mcp-config', '--allowedTools', 'Read,mcp__patchbay__files__read', '--model', 'fast']));
    const config = JSON.parse(args[args.indexOf('--mcp-config') + 1]!);
    expect(Object.keys(config.mcpServers)).toEqual(['patchbay']);
    expect(config.mcpServers.patchbay).toEqual({ type: 'http', url: 'http://127.0.0.1:1/mcp', headers: { Authorization: 'Bearer pb_agent_client' } });
  });

  it('runs the fake claude with the proxy in its environment, no provider key, and streams events', { timeout: 60_000 }, async () => {
    const events: string[] = [];
    const r = await runClaude({ ...base, prompt: 'go', timeoutMs: 30_000, env, onEvent: (e) => events.push(String(e.type)) });
    expect(r).toMatchObject({ exitCode: 0, timedOut: false, result: 'done: 2 files' });
    expect(events).toEqual(['system', 'assistant', 'result']);
    const seen = JSON.parse(readFileSync(record, 'utf8'));
    expect(seen.env).toEqual({ base: 'http://127.0.0.1:1', token: 'pb_agent_client', openai: null });
  });

  it('kills the whole process group on timeout', { timeout: 60_000 }, async () => {
    const r = await runClaude({ ...base, prompt: 'hang', timeoutMs: 1500, env });
    expect(r.timedOut).toBe(true);
    const pid = Number(readFileSync(grandchild, 'utf8'));
    let alive = true;
    for (let i = 0; i < 50 && alive; i++) {
      try { process.kill(pid, 0); await new Promise((res) => setTimeout(res, 100)); } catch { alive = false; }
    }
    expect(alive).toBe(false);
  });

  it('says how to install Claude Code when it is not there', async () => {
    await expect(runClaude({ ...base, prompt: 'go', timeoutMs: 1000, env: { PATH: '/nonexistent' } })).rejects.toThrow(INSTALL_HINT);
  });
});

describe('the claude_code tool', () => {
  it('refuses a cwd outside the roots and runs inside them, with progress', { timeout: 60_000 }, async () => {
    const { Client, InMemoryTransport } = await import('@modelcontextprotocol/client');
    const { createAgentMcpServer } = await import('../../../src/servers/agent/tools.js');
    const { createRoots } = await import('../../../src/servers/roots.js');
    const server = createAgentMcpServer({ roots: createRoots([bin]), gateway: base.gateway, proxy: base.proxy, timeoutMs: 30_000, env });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(b);
    const mcp = new Client({ name: 'agent-test', version: '1' });
    await mcp.connect(a);
    const outside = (await mcp.callTool({ name: 'claude_code', arguments: { prompt: 'go', cwd: tmpdir() } })) as { isError?: boolean; content: Array<{ text: string }> };
    expect(outside.isError).toBe(true);
    expect(outside.content[0]!.text).toMatch(/outside the server's roots/);
    const progress: unknown[] = [];
    const inside = (await mcp.callTool({ name: 'claude_code', arguments: { prompt: 'go', cwd: '.' } }, { onprogress: (p) => progress.push(p) })) as { isError?: boolean; content: Array<{ text: string }> };
    expect(inside.content[0]!.text).toBe('done: 2 files');
    expect(progress.length).toBe(3);
    await mcp.close();
  });
});
