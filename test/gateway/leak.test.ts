/**
 * 10,000 client sessions opened and closed against the HTTP endpoint leave nothing behind: the
 * same upstream child process, no sessions, no parked calls, no subscriptions or pending
 * requests in the hub, and heap growth within a small bound after GC. Runs in a child process
 * with --expose-gc so the memory figure is after a real collection.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const RUNNER = fileURLToPath(new URL('./leak-runner.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SESSIONS = 10_000;

describe('session leaks', () => {
  it(`opens and closes ${SESSIONS} sessions without leaking`, { timeout: 600_000 }, async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', RUNNER, String(SESSIONS)], { cwd: ROOT, env: process.env });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    expect(code, stderr).toBe(0);
    const { before, after } = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(after.pids).toEqual(before.pids);
    expect(after.pids[0]).toBeGreaterThan(0);
    expect(after.sessions).toBe(0);
    expect(before.sessions).toBe(0);
    expect(after.parked).toBe(0);
    expect(after.listeners).toBe(0);
    expect(after.hub).toEqual(before.hub);
    // A leaked session holds at least a few hundred bytes (maps, closures, ids): 10,000 of them
    // would add megabytes. Allow 4 MB for allocator noise.
    expect(after.heapUsed - before.heapUsed).toBeLessThan(4 * 1024 * 1024);
  });
});
