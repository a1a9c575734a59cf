import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TSX_CLI = fileURLToPath(new URL('../../../node_modules/tsx/dist/cli.mjs', import.meta.url));
const WORKER = fileURLToPath(new URL('../../fixtures/oauth/worker.ts', import.meta.url));
const BROWSER = fileURLToPath(new URL('../../fixtures/oauth/browser.mjs', import.meta.url));

/** An executable that runs the stand-in browser (PATCHBAY_BROWSER takes one program). */
export function browserCommand(): { command: string; log: string } {
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-browser-'));
  const command = join(dir, 'browser');
  writeFileSync(command, `#!/bin/sh\nexec "${process.execPath}" "${BROWSER}" "$@"\n`);
  chmodSync(command, 0o755);
  return { command, log: join(dir, 'argv.log') };
}

export interface WorkerRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function startWorker(env: Record<string, string>): { child: ReturnType<typeof spawn>; done: Promise<WorkerRun> } {
  const child = spawn(process.execPath, [TSX_CLI, WORKER], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<WorkerRun>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}
