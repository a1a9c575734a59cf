/**
 * The sandbox launcher: one sandbox per server start (or per shell session of a built-in shell
 * server), inside which any number of commands run under the same policy.
 *
 *   const sandbox = await createSandbox({ policy, stateDir, log });
 *   const run = sandbox.wrap({ command: 'npx', args: ['-y', 'some-server'], cwd, env });
 *   spawn(run.command, run.args, { cwd: run.cwd, env: run.env, detached: true });
 *   ...
 *   await sandbox.close();   // after the last command exited: stops the egress proxy
 *
 * `wrap` rewrites a command to run under bubblewrap (Linux) or sandbox-exec (macOS,
 * experimental); it throws when the command does not exist (code ENOENT, as spawn would) and
 * `createSandbox` throws SANDBOX_UNAVAILABLE when no sandbox can run: a sandboxed server never
 * runs unconfined. The environment is the caller's (the env policy's) plus only what the
 * sandbox itself needs: TMPDIR, the server's own caches, and the proxy variables.
 */
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PatchbayError } from '../errors.js';
import { bwrapArgs, PRIVATE_DIRS } from './bwrap.js';
import { createEgressProxy, type EgressProxy } from './egress-proxy.js';
import { isSpecialAddress } from './host-rules.js';
import { isUnder, planMounts } from './mount-plan.js';
import type { SandboxPolicy } from './policy.js';
import { protectedPaths, type ProtectedPath } from './protected-paths.js';
import { seatbeltProfile } from './seatbelt.js';
import { checkSandboxSupport, findProgram, type SandboxSupport } from './support.js';

export interface SandboxOptions {
  policy: SandboxPolicy;
  /** The hub's own environment: where to find bwrap, whose HOME the protected paths are in. */
  hostEnv?: NodeJS.ProcessEnv;
  /** The project directory (real path): an absent `.claude/` there is created to be protected. */
  projectDir?: string;
  /** Default protectedPaths(hostEnv). */
  protect?: readonly ProtectedPath[];
  /** A writable directory of the server's own, kept between starts: its npm and XDG caches. */
  stateDir?: string;
  /** Egress refusals and failures go here (the server's log). */
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
  platform?: NodeJS.Platform;
}

export interface CommandSpec {
  command: string;
  args: readonly string[];
  cwd?: string;
  /** The complete environment of the command (the env policy's result). */
  env: Record<string, string>;
}

export interface WrappedCommand {
  command: string;
  args: string[];
  cwd?: string;
  env: Record<string, string>;
}

export interface Sandbox {
  readonly policy: SandboxPolicy;
  readonly backend: 'bubblewrap' | 'sandbox-exec';
  wrap(spec: CommandSpec): WrappedCommand;
  close(): Promise<void>;
}

/** Where the egress socket appears inside the sandbox (in its private /tmp). */
const INNER_SOCKET = '/tmp/.patchbay-egress.sock';
const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy'];

export async function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  const hostEnv = options.hostEnv ?? process.env;
  const platform = options.platform ?? process.platform;
  const checked = await checkSandboxSupport(hostEnv, platform);
  if (!checked.ok) {
    throw new PatchbayError('SANDBOX_UNAVAILABLE', `no sandbox can run here (${checked.reason}), so this sandboxed server is not started`, { hint: checked.hint });
  }
  const support: Extract<SandboxSupport, { ok: true }> = checked;
  const { policy } = options;
  const protect = options.protect ?? protectedPaths(hostEnv);
  const allow = policy.network.kind === 'allow' ? policy.network.rules : undefined;
  let proxy: EgressProxy | undefined;
  let socketDir: string | undefined;
  if (allow) {
    if (support.backend === 'bubblewrap') {
      // A unix socket path has ~100 bytes: keep it short whatever TMPDIR is.
      socketDir = mkdtempSync(join(tmpdir().length > 60 ? '/tmp' : tmpdir(), 'patchbay-egress-'));
      proxy = await createEgressProxy({ rules: allow, socketPath: join(socketDir, 'proxy.sock'), log: options.log });
    } else {
      proxy = await createEgressProxy({ rules: allow, log: options.log });
    }
  }
  // The sandbox sees the host's files live: Patchbay's own directories must exist now to be
  // hidden now, or a token or secret written later would be readable by a server already running.
  for (const p of protect) if (p.reason === 'patchbay' && p.hidden) mkdirSync(p.path, { recursive: true, mode: 0o700 });
  if (options.stateDir) for (const dir of ['npm', 'cache']) mkdirSync(join(options.stateDir, dir), { recursive: true, mode: 0o700 });

  const forwards = (allow ?? [])
    .filter((r) => typeof r.ports === 'number' && (r.host === 'localhost' || isSpecialAddress(r.host)) && !r.host.startsWith('169.254.') && r.host !== '0.0.0.0')
    .map((r) => ({ host: r.host === 'localhost' ? '127.0.0.1' : r.host, connectHost: r.host, port: r.ports as number }));
  let innerPort = 3128;
  while (forwards.some((f) => f.port === innerPort)) innerPort++;

  function environment(spec: CommandSpec): Record<string, string> {
    const env: Record<string, string> = { ...spec.env };
    for (const name of ['TMPDIR', 'TMP', 'TEMP']) if (name === 'TMPDIR' || env[name] !== undefined) env[name] = support.backend === 'bubblewrap' ? '/tmp' : (env[name] ?? tmpdir());
    if (options.stateDir) {
      env.XDG_CACHE_HOME = join(options.stateDir, 'cache');
      env.npm_config_cache = join(options.stateDir, 'npm');
    }
    for (const name of [...PROXY_VARIABLES, 'NO_PROXY', 'no_proxy']) delete env[name];
    if (allow) {
      const url = `http://127.0.0.1:${support.backend === 'bubblewrap' ? innerPort : proxy!.port}`;
      for (const name of PROXY_VARIABLES) env[name] = url;
      env.NODE_USE_ENV_PROXY = '1';
      const shim = runtimeFile('node-proxy-shim.cjs');
      env.NODE_OPTIONS = `--require ${JSON.stringify(shim)}${env.NODE_OPTIONS ? ` ${env.NODE_OPTIONS}` : ''}`;
    }
    return env;
  }

  function resolveCommand(spec: CommandSpec): string {
    const command = spec.command.includes('/') && !isAbsolute(spec.command) ? resolve(spec.cwd ?? process.cwd(), spec.command) : spec.command;
    const found = findProgram(command, spec.env.PATH);
    if (!found) {
      // As spawn reports it, so the diagnosis ("not found on PATH") is the same with or without a sandbox.
      throw Object.assign(new Error(`spawn ${spec.command} ENOENT`), { code: 'ENOENT', errno: -2, syscall: `spawn ${spec.command}`, path: spec.command });
    }
    return found;
  }

  return {
    policy,
    backend: support.backend,
    wrap(spec) {
      const program = resolveCommand(spec);
      const env = environment(spec);
      if (support.backend === 'sandbox-exec') return wrapSeatbelt(support, spec, program, env, protect, options.stateDir, proxy?.port, policy);
      const plan = planMounts({ write: policy.write, protect, late: options.stateDir ? [options.stateDir] : [], projectDir: options.projectDir });
      if (plan.created.length > 0) options.log?.('info', `sandbox: created ${plan.created.join(', ')} so that it can be protected`);
      const runtimeDir = env.XDG_RUNTIME_DIR;
      const dirs = runtimeDir && (isUnder(runtimeDir, '/run') || isUnder(runtimeDir, '/tmp')) ? [runtimeDir] : [];
      const inner = allow
        ? { command: process.execPath, args: [runtimeFile('relay.js'), relayConfig(innerPort, forwards), program, ...spec.args] }
        : { command: program, args: [...spec.args] };
      const ran = [inner.command, ...inner.args, ...(allow ? [runtimeFile('node-proxy-shim.cjs')] : [])];
      // First, so the project's binds and the protected paths still apply on top of them.
      const mounts = [...ownFilesInPrivateDirs(ran).map((path) => ({ kind: 'ro-bind' as const, path })), ...plan.mounts];
      const args = bwrapArgs({
        mounts,
        dirs,
        sockets: proxy ? [{ source: proxy.address, target: INNER_SOCKET }] : [],
        cwd: spec.cwd,
        command: inner.command,
        args: inner.args,
      });
      return { command: support.program, args, cwd: spec.cwd, env };
    },
    async close() {
      await proxy?.close();
      if (socketDir) rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

/**
 * A server that lives in /tmp or /run (a project made in a temp directory, say, or Patchbay
 * itself checked out there) would vanish under the sandbox's private tmpfs and fail with "file
 * not found". The files the sandbox runs (program, script arguments, Patchbay's relay and shim)
 * that live there are bound back read-only, each from the outermost directory with a
 * package.json (a checkout whose node_modules hold the dependencies, hoisted or not; a linked
 * node_modules comes along too), or the file alone. Never /tmp or /run as a whole: other
 * programs' files stay hidden.
 */
function ownFilesInPrivateDirs(paths: readonly string[]): string[] {
  const roots = new Set<string>();
  const add = (path: string) => {
    const privateDir = PRIVATE_DIRS.find((dir) => path.startsWith(dir + sep));
    if (!privateDir) return;
    let root = path;
    for (let dir = dirname(path); dir !== privateDir && isUnder(dir, privateDir); dir = dirname(dir)) {
      if (existsSync(join(dir, 'package.json'))) root = dir;
    }
    if (roots.has(root)) return;
    roots.add(root);
    const linked = realPath(join(root, 'node_modules'));
    if (linked && linked !== join(root, 'node_modules')) add(linked);
  };
  for (const path of paths) {
    if (!isAbsolute(path) || !isRegularFile(path)) continue;
    add(path);
    const real = realPath(path);
    if (real && real !== path) add(real);
  }
  return [...roots];
}

function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function relayConfig(port: number, forwards: { host: string; connectHost: string; port: number }[]): string {
  // The CONNECT names the host as the rule does (`localhost:3000` must match `localhost:3000`).
  const config = { socket: INNER_SOCKET, port, forwards: forwards.map((f) => ({ host: f.host, connect: f.connectHost, port: f.port })) };
  return Buffer.from(JSON.stringify(config)).toString('base64');
}

function wrapSeatbelt(
  support: Extract<SandboxSupport, { ok: true }>,
  spec: CommandSpec,
  program: string,
  env: Record<string, string>,
  protect: readonly ProtectedPath[],
  stateDir: string | undefined,
  proxyPort: number | undefined,
  policy: SandboxPolicy,
): WrappedCommand {
  const profile = seatbeltProfile({
    policy,
    hidden: protect.filter((p) => p.hidden).map((p) => p.path),
    readOnly: protect.filter((p) => !p.hidden).map((p) => p.path),
    scratch: [tmpdir(), ...(stateDir ? [stateDir] : [])],
    proxyPort,
  });
  return { command: support.program, args: ['-p', profile, program, ...spec.args], cwd: spec.cwd, env };
}

/**
 * A file that runs inside the sandbox (the relay, the fetch shim) as plain JavaScript: beside
 * this module in dist/, or in dist/ when this module runs from src/ (tests).
 */
export function runtimeFile(name: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, name), resolve(here, '../../dist/sandbox', name)]) if (existsSync(candidate)) return candidate;
  throw new PatchbayError('SANDBOX_UNAVAILABLE', `Patchbay's sandbox file ${name} is missing (looked in ${here} and dist/sandbox)`, { hint: 'Rebuild Patchbay: `npm run build`.' });
}
