/**
 * `patchbay ui`: asks the running hub (`patchbay up`) for a one-time login code with the hub's
 * token, then opens `http://127.0.0.1:<port>/ui/login?code=…` in the browser, or prints it with
 * --print or when there is no browser to open. The code works once, within two minutes.
 */
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { loadOrCreateToken } from '../auth/token.js';
import { PatchbayError } from '../errors.js';
import { resolvePort } from '../gateway/up.js';

export interface OpenDashboardOptions {
  port?: number;
  print?: boolean;
  env?: NodeJS.ProcessEnv;
  stdout: Writable;
}

async function baseUrl(options: OpenDashboardOptions, env: NodeJS.ProcessEnv): Promise<string> {
  if (options.port !== undefined || env.PATCHBAY_PORT) return `http://127.0.0.1:${resolvePort(options.port, env)}`;
  const { findListeners } = await import('../proxy/server/listen-record.js');
  const up = (await findListeners()).find((l) => l.kind === 'up');
  return up?.url ?? `http://127.0.0.1:${resolvePort(undefined, env)}`;
}

/** The command that opens a URL here, or undefined when there is no desktop to open it on. */
function opener(env: NodeJS.ProcessEnv): string | undefined {
  if (process.platform === 'darwin') return 'open';
  if (process.platform === 'win32') return 'explorer';
  return env.DISPLAY || env.WAYLAND_DISPLAY ? 'xdg-open' : undefined;
}

export async function openDashboard(options: OpenDashboardOptions): Promise<string> {
  const env = options.env ?? process.env;
  const base = await baseUrl(options, env);
  const token = await loadOrCreateToken();
  let response: Response;
  try {
    response = await fetch(`${base}/ui/api/login-code`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
  } catch (error) {
    throw new PatchbayError('USAGE', `No hub answers at ${base}`, { hint: 'Start it with `patchbay up` (in another terminal), or pass --port N if it runs on another port.', cause: error });
  }
  if (!response.ok) {
    throw new PatchbayError('USAGE', `The hub at ${base} refused a login code (HTTP ${response.status})`, { hint: response.status === 404 ? 'That hub has no dashboard: update Patchbay and restart `patchbay up`.' : 'Is it the hub of this user? `patchbay token` must match the one it runs with.' });
  }
  const { code } = (await response.json()) as { code: string };
  const url = `${base}/ui/login?code=${encodeURIComponent(code)}`;
  const command = options.print ? undefined : opener(env);
  if (command) {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => options.stdout.write(`Open this URL (it works once): ${url}\n`));
    child.unref();
    options.stdout.write(`Opening the dashboard: ${base}/ui/\n`);
  } else {
    options.stdout.write(`${url}\n`);
  }
  return url;
}
