import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { showLogs } from '../../src/hub/log/show-logs.js';
import { createRotatingFile } from '../../src/hub/log/rotating-file.js';
import { registerLogs } from '../../src/cli/commands/logs.js';
import { waitFor } from './helpers.js';

const numbered = (from: number, to: number, tag = 'line') =>
  Array.from({ length: to - from }, (_, i) => `${tag} ${from + i}`).join('\n') + '\n';

describe('patchbay logs', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    delete process.env.PATCHBAY_HOME;
  });

  it('prints the last n lines of a server log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logs-'));
    writeFileSync(join(dir, 'mcp-server-github.log'), numbered(0, 100));
    let out = '';
    await showLogs({ dir, name: 'github', lines: 3, write: (t) => (out += t) });
    expect(out).toBe('line 97\nline 98\nline 99\n');
  });

  it('follows a log across rotations without losing or repeating a line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logs-'));
    const file = createRotatingFile({ path: join(dir, 'mcp.log'), maxBytes: 300, keep: 3 });
    file.write('before follow');
    await file.flush();
    let out = '';
    const controller = new AbortController();
    const following = showLogs({ dir, follow: true, lines: 10, pollMs: 10, signal: controller.signal, write: (t) => (out += t) });
    await waitFor(() => out.includes('before follow'));
    for (let batch = 0; batch < 10; batch++) {
      // Each batch is bigger than maxBytes, so every batch rotates the file under the follower.
      for (let i = 0; i < 20; i++) file.write(`b${batch} line ${i}`);
      await file.flush();
      await waitFor(() => out.includes(`b${batch} line 19\n`));
    }
    controller.abort();
    await following;
    await file.close();
    const expected = ['before follow'];
    for (let batch = 0; batch < 10; batch++) for (let i = 0; i < 20; i++) expected.push(`b${batch} line ${i}`);
    expect(out.trimEnd().split('\n')).toEqual(expected);
  });

  it('says where it looked and which server logs exist when a log is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logs-'));
    writeFileSync(join(dir, 'mcp-server-github.log'), 'x\n');
    await expect(showLogs({ dir, name: 'gitlab' })).rejects.toMatchObject({
      code: 'SERVER_NOT_FOUND',
      message: `No log at ${join(dir, 'mcp-server-gitlab.log')} for server "gitlab".`,
      hint: expect.stringContaining('Servers with logs: github.'),
    });
  });

  it('the command reads PATCHBAY_HOME/log, honours -n, and rejects a bad count', async () => {
    const home = mkdtempSync(join(tmpdir(), 'pb-home-'));
    mkdirSync(join(home, 'log'));
    writeFileSync(join(home, 'log', 'mcp.log'), numbered(0, 10, 'hub'));
    process.env.PATCHBAY_HOME = home;
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    const program = new Command('patchbay').exitOverride();
    registerLogs(program);
    await program.parseAsync(['node', 'patchbay', 'logs', '-n', '2']);
    expect(out).toBe('hub 8\nhub 9\n');
    const again = new Command('patchbay').exitOverride();
    registerLogs(again);
    await expect(again.parseAsync(['node', 'patchbay', 'logs', '-n', 'many'])).rejects.toMatchObject({ code: 'USAGE' });
  });
});
