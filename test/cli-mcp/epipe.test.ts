/**
 * Issue 9, item 12: `patchbay mcp list | head -1` (and doctor, get, any command) stops quietly
 * when the reader goes away, instead of crashing with an EPIPE stack trace.
 */
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PATCHBAY_BIN } from '../helpers/cli.js';
import { createSandbox, type Sandbox } from './sandbox.js';

/** Runs the CLI with its stdout closed by the reader before anything is written. */
function runWithClosedStdout(sandbox: Sandbox, args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PATCHBAY_BIN, ...args], { cwd: sandbox.project, env: { ...process.env, ...sandbox.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

function withServers(): Sandbox {
  const sandbox = createSandbox();
  const mcpServers = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`s${i}`, { type: 'stdio', command: process.execPath, args: [`/nonexistent/server-${i}.js`], env: {} }]));
  sandbox.write(sandbox.claudeJson, { mcpServers });
  return sandbox;
}

describe('a reader that stops reading', () => {
  for (const args of [['mcp', 'list'], ['mcp', 'get', 's0'], ['mcp', 'list', '--json'], ['doctor'], ['--help']]) {
    it(`patchbay ${args.join(' ')} exits quietly`, async () => {
      const sandbox = withServers();
      const r = await runWithClosedStdout(sandbox, args);
      expect(r.stderr).not.toContain('EPIPE');
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stderr).not.toContain('internal error');
      expect(r.signal).toBeNull();
      // (doctor exits 1 anyway: these servers are broken.)
      if (args[0] !== 'doctor') expect(r.code).toBe(0);
    });
  }

  it('through a real shell pipe: patchbay mcp list | head -1', () => {
    const sandbox = withServers();
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${PATCHBAY_BIN}" mcp list | head -1`], { cwd: sandbox.project, env: { ...process.env, ...sandbox.env }, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('Checking MCP server health...\n');
    expect(r.stderr).toBe('');
  });
});
