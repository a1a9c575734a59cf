/**
 * Writes under contention and crashes: the file is always valid JSON, nobody's change is lost,
 * and a writer killed with -9 while holding the lock does not block the next one forever.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PATCHBAY_BIN, runCli } from '../helpers/cli.js';
import { createSandbox } from './sandbox.js';

describe('concurrent and interrupted writes', () => {
  it('50 `patchbay mcp add` processes started at once leave all 50 entries and a valid file', async () => {
    const sandbox = createSandbox();
    sandbox.write(sandbox.claudeJson, { keep: 'me', projects: { '/other': { allowedTools: ['Read'] } } });
    const runs = Array.from({ length: 50 }, (_, i) =>
      runCli(['mcp', 'add', '-s', 'local', `server-${i}`, 'node', `s${i}.js`], {
        cwd: sandbox.project,
        // The machine is shared; give waiting for the lock room so the test checks correctness, not speed.
        env: { ...sandbox.env, PATCHBAY_LOCK_WAIT_MS: '120000' },
        timeoutMs: 170_000,
      }),
    );
    const results = await Promise.all(runs);
    for (const result of results) expect(result.stderr).toBe('');
    expect(results.map((r) => r.code)).toEqual(Array(50).fill(0));
    const data = sandbox.read(sandbox.claudeJson) as any;
    const servers = data.projects[sandbox.project].mcpServers;
    expect(Object.keys(servers).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `server-${i}`).sort());
    for (let i = 0; i < 50; i++) expect(servers[`server-${i}`]).toEqual({ type: 'stdio', command: 'node', args: [`s${i}.js`], env: {} });
    expect(data.keep).toBe('me');
    expect(data.projects['/other']).toEqual({ allowedTools: ['Read'] });
    expect(existsSync(`${sandbox.claudeJson}.lock`)).toBe(false);
  }, 180_000);

  it('kill -9 between writing the temp file and the rename leaves the old file; the stale lock is recovered', async () => {
    const sandbox = createSandbox();
    expect((await sandbox.run(['add', 'first', 'node', 'first.js'])).code).toBe(0);
    const before = readFileSync(sandbox.claudeJson, 'utf8');

    const child = spawn(process.execPath, [PATCHBAY_BIN, 'mcp', 'add', 'second', 'node', 'second.js'], {
      cwd: sandbox.project,
      env: { ...process.env, ...sandbox.env, PATCHBAY_TEST_PAUSE_BEFORE_RENAME_MS: '60000', PATCHBAY_TEST_PAUSE_FILE: '.claude.json', PATCHBAY_LOCK_STALE_MS: '3000' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (stderr.includes('paused before rename')) resolve();
      });
      child.on('exit', () => reject(new Error(`writer exited before pausing: ${stderr}`)));
    });
    // The new content is on disk in the temp file, fsynced, and the lock is held: the worst moment.
    const dir = dirname(sandbox.claudeJson);
    expect(readdirSync(dir).some((n) => n.startsWith('.claude.json.patchbay-') && n.endsWith('.tmp'))).toBe(true);
    expect(existsSync(`${sandbox.claudeJson}.lock`)).toBe(true);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    expect(readFileSync(sandbox.claudeJson, 'utf8')).toBe(before);
    expect(existsSync(`${sandbox.claudeJson}.lock`)).toBe(true); // left behind by the dead writer

    const next = await sandbox.run(['add', 'third', 'node', 'third.js'], { env: { PATCHBAY_LOCK_STALE_MS: '3000' } });
    expect(next.stderr).toBe('');
    expect(next.code).toBe(0);
    const servers = (sandbox.read(sandbox.claudeJson) as any).projects[sandbox.project].mcpServers;
    expect(Object.keys(servers)).toEqual(['first', 'third']);
    expect(existsSync(`${sandbox.claudeJson}.lock`)).toBe(false);
    // The dead writer's temp file was cleaned up by the next writer, under the lock.
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it('a lock held by a live process for too long is CONFIG_LOCKED, naming the file, and nothing changes', async () => {
    const sandbox = createSandbox();
    expect((await sandbox.run(['add', 'first', 'node', 'first.js'])).code).toBe(0);
    const before = readFileSync(sandbox.claudeJson, 'utf8');
    mkdirSync(`${sandbox.claudeJson}.lock`); // fresh mtime: looks held by a live process
    const result = await sandbox.run(['add', 'second', 'node', 'x.js'], { env: { PATCHBAY_LOCK_WAIT_MS: '1500' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${sandbox.claudeJson} is locked by another process`);
    expect(result.stderr).toContain('nothing was changed');
    expect(result.stderr).not.toContain('    at ');
    expect(readFileSync(sandbox.claudeJson, 'utf8')).toBe(before);
  });
});
