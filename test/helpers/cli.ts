/**
 * Runs the real `patchbay` binary (bin/patchbay.js → dist/) as a child process, with the
 * temporary HOME/APPDATA/XDG_* that test/setup-home.ts put in process.env. `npm test` builds
 * dist/ first; when developing, run `npx tsc -p tsconfig.build.json` before these tests.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PATCHBAY_BIN = fileURLToPath(new URL('../../bin/patchbay.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PATCHBAY_BIN, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
