/**
 * Whether a sandbox can run here, and if not, why and what to install. A sandboxed server never
 * starts without one: the launcher throws SANDBOX_UNAVAILABLE with this reason, and `doctor`
 * prints it. Linux: bubblewrap, found on PATH (or at PATCHBAY_BWRAP) and tried once with the
 * namespaces the launcher uses — installed is not enough where user namespaces are blocked
 * (Ubuntu's AppArmor restriction, containers without the capability). macOS: sandbox-exec.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export type SandboxBackend = 'bubblewrap' | 'sandbox-exec';

export type SandboxSupport =
  | { ok: true; backend: SandboxBackend; program: string; detail: string }
  | { ok: false; reason: string; hint: string };

const INSTALL_HINT =
  'Install bubblewrap: `sudo apt-get install bubblewrap` (Debian, Ubuntu), `sudo dnf install bubblewrap` (Fedora), `sudo pacman -S bubblewrap` (Arch), `sudo apk add bubblewrap` (Alpine). Until then the server does not start; to run it unconfined instead: `patchbay mcp sandbox NAME --off`.';

const NAMESPACE_HINT =
  'User namespaces are blocked here. On Ubuntu 23.10 and later: `sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0` (or an AppArmor profile that allows bwrap); in a container, allow user namespaces (e.g. Docker `--security-opt seccomp=unconfined --security-opt apparmor=unconfined`) or run Patchbay on the host.';

/** Successful checks, by program path: a working bwrap stays working while Patchbay runs. */
const verified = new Map<string, SandboxSupport>();

export function findProgram(name: string, path: string | undefined): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? name : undefined;
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function checkSandboxSupport(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Promise<SandboxSupport> {
  if (platform === 'darwin') {
    const program = findProgram('/usr/bin/sandbox-exec', undefined);
    if (program) return { ok: true, backend: 'sandbox-exec', program, detail: 'sandbox-exec (macOS Seatbelt; experimental in Patchbay, untested in CI)' };
    return { ok: false, reason: 'sandbox-exec is missing from /usr/bin', hint: 'It ships with macOS; without it no sandbox can run. To run the server unconfined: `patchbay mcp sandbox NAME --off`.' };
  }
  if (platform !== 'linux') {
    return { ok: false, reason: `no sandbox is available on ${platform}`, hint: 'Run Patchbay under WSL 2 with bubblewrap installed, or run the server unconfined: `patchbay mcp sandbox NAME --off`.' };
  }
  const program = findProgram(env.PATCHBAY_BWRAP || 'bwrap', env.PATH);
  if (!program) {
    const where = env.PATCHBAY_BWRAP ? `at PATCHBAY_BWRAP=${env.PATCHBAY_BWRAP}` : 'on PATH';
    return { ok: false, reason: `bubblewrap (bwrap) is not installed ${where}`, hint: INSTALL_HINT };
  }
  const known = verified.get(program);
  if (known) return known;
  const trial = await tryBwrap(program);
  if (!trial.ok) return { ok: false, reason: `bubblewrap cannot create a sandbox here: ${trial.message}`, hint: NAMESPACE_HINT };
  const support: SandboxSupport = { ok: true, backend: 'bubblewrap', program, detail: `bubblewrap ${trial.version} (${program})` };
  verified.set(program, support);
  return support;
}

/** The same namespaces and mounts the launcher uses, around `true`. */
function tryBwrap(program: string): Promise<{ ok: true; version: string } | { ok: false; message: string }> {
  return new Promise((resolve) => {
    const args = ['--unshare-pid', '--unshare-net', '--unshare-ipc', '--die-with-parent', '--cap-drop', 'ALL', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', 'true'];
    const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, message: error.message });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return resolve({ ok: false, message: stderr.trim().split('\n')[0] || (signal ? `killed by ${signal}` : `exit code ${code}`) });
      const version = spawn(program, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      version.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      version.once('error', () => resolve({ ok: true, version: 'unknown version' }));
      version.once('close', () => resolve({ ok: true, version: out.trim().replace(/^bubblewrap\s*/, '') || 'unknown version' }));
    });
  });
}
