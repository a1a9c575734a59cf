/**
 * `patchbay gateway --stdio` — what Claude Desktop, Cursor and VS Code launch — with real
 * servers (server-everything and server-filesystem from npm) behind it, driven by the SDK v2
 * Client over stdio in both protocol eras.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { describe, expect, it } from 'vitest';
import { PATCHBAY_BIN } from '../helpers/cli.js';
import { EVERYTHING, FILESYSTEM } from './helpers/harness.js';

const project = mkdtempSync(join(tmpdir(), 'patchbay-stdio-'));
mkdirSync(join(project, 'data'));
writeFileSync(join(project, 'data', 'note.txt'), 'a note for the stdio gateway');
writeFileSync(join(project, '.mcp.json'), JSON.stringify({
  mcpServers: {
    everything: { type: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'], env: {} },
    files: { type: 'stdio', command: process.execPath, args: [FILESYSTEM, join(project, 'data')], env: {} },
  },
}));
mkdirSync(join(project, '.claude'));
writeFileSync(join(project, '.claude', 'settings.local.json'), JSON.stringify({ enableAllProjectMcpServers: true }));

describe('patchbay gateway --stdio', () => {
  it.each([
    ['legacy', 'legacy'],
    ['2026-07-28', { pin: '2026-07-28' }],
  ] as const)('%s: serves both servers to an SDK client over stdio', { timeout: 60_000 }, async (_era, mode) => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [PATCHBAY_BIN, 'gateway', '--stdio'],
      cwd: project,
      env: { ...(process.env as Record<string, string>) },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-test', version: '1.0.0' }, { versionNegotiation: { mode } });
    await client.connect(transport);
    // Servers start concurrently with the handshake; their tools arrive when they are ready.
    let names: string[] = [];
    for (let i = 0; i < 100 && !(names.includes('everything__echo') && names.includes('files__read_text_file')); i++) {
      names = (await client.listTools()).tools.map((t) => t.name);
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(names).toEqual(expect.arrayContaining(['everything__echo', 'files__read_text_file']));
    const echo = await client.callTool({ name: 'everything__echo', arguments: { message: 'over stdio' } });
    expect(JSON.stringify(echo.content)).toContain('over stdio');
    const note = await client.callTool({ name: 'files__read_text_file', arguments: { path: join(project, 'data', 'note.txt') } });
    expect(JSON.stringify(note.content)).toContain('a note for the stdio gateway');
    await client.close();
  });

  it('exits 0 on SIGTERM with stdin still open, after stopping its servers', { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, [PATCHBAY_BIN, 'gateway', '--stdio'], { cwd: project, env: process.env });
    let out = '';
    const answered = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('"id":1')) resolve();
    }));
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } })}\n`);
    await answered;
    expect(JSON.parse(out.split('\n')[0]!).result.serverInfo.name).toBe('patchbay');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
