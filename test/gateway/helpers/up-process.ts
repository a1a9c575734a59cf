/**
 * A real `patchbay up` (bin/patchbay.js → dist/) on a project directory with the given servers,
 * as a user starts it: its own process, the test's temporary HOME, port 0. Resolves once it
 * printed "Press Ctrl+C to stop", with the URL, the port, its pid and its output so far.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PATCHBAY_BIN } from '../../helpers/cli.js';

export interface UpProcess {
  child: ChildProcessWithoutNullStreams;
  project: string;
  /** http://127.0.0.1:PORT/mcp */
  url: string;
  port: number;
  pid: number;
  output: { stdout: string; stderr: string };
  /** SIGINT, then waits for the exit code. */
  stop(): Promise<number | null>;
}

/** Writes `.mcp.json` with `servers` (all approved) into a fresh project directory. */
export function makeProject(servers: Record<string, unknown>): string {
  const project = mkdtempSync(join(tmpdir(), 'patchbay-up-'));
  writeFileSync(join(project, '.mcp.json'), JSON.stringify({ mcpServers: servers }));
  mkdirSync(join(project, '.claude'));
  writeFileSync(join(project, '.claude', 'settings.local.json'), JSON.stringify({ enabledMcpjsonServers: Object.keys(servers) }));
  return project;
}

/** `nodeArgs` go to node itself (e.g. --inspect), before the script. */
export function startUp(project: string, args: string[] = [], env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): Promise<UpProcess> {
  const child = spawn(process.execPath, [...nodeArgs, PATCHBAY_BIN, 'up', '--port', '0', ...args], { cwd: project, env: { ...process.env, NO_COLOR: '1', ...env } });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output.stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`patchbay up exited with ${code}:\n${output.stdout}\n${output.stderr}`));
    child.once('exit', onExit);
    const check = () => {
      if (!/Press Ctrl\+C to stop/.test(output.stdout)) return;
      child.stdout.off('data', check);
      child.off('exit', onExit);
      const url = /MCP endpoint: (\S+)/.exec(output.stdout)![1]!;
      resolve({
        child,
        project,
        url,
        port: Number(new URL(url).port),
        pid: child.pid!,
        output,
        stop() {
          if (child.exitCode !== null) return Promise.resolve(child.exitCode);
          const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
          child.kill('SIGINT');
          return exited;
        },
      });
    };
    child.stdout.on('data', check);
  });
}
