/**
 * What the dashboard's browser tests share: a real `patchbay up` on a project with the given
 * servers (test/gateway/helpers/up-process.ts), its base URL, a fresh one-time login URL from
 * `patchbay ui --print` (as a user gets it), and Debian's chromium through playwright-core.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { makeProject, startUp, type UpProcess } from '../gateway/helpers/up-process.js';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'dashboard');

export interface Dashboard {
  up: UpProcess;
  project: string;
  /** http://127.0.0.1:PORT */
  base: string;
  /** A new one-time login URL, printed by `patchbay ui --print`. */
  login(): Promise<string>;
}

export async function startDashboard(servers: Record<string, unknown>): Promise<Dashboard> {
  const up = await startUp(makeProject(servers));
  const base = /Dashboard: +(\S+)\/ui\//.exec(up.output.stdout)![1]!;
  return {
    up,
    project: up.project,
    base,
    async login() {
      const printed = await runCli(['ui', '--print', '--port', String(up.port)], { cwd: up.project });
      return printed.stdout.trim();
    },
  };
}

/** Never a downloaded browser: the system's chromium. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}
