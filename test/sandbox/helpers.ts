/**
 * Shared pieces of the sandbox tests. They need bubblewrap on Linux and fail loudly without it
 * (CI installs it: .ci/run), instead of skipping and passing on a machine where nothing was
 * tested. Their HOME and project live under /var/tmp, not /tmp: the sandbox gives a server a
 * private /tmp, so a HOME under /tmp would be invisible inside and every "cannot read ~/.ssh"
 * would pass for the wrong reason.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectUpstream, type UpstreamConnection } from '../../src/hub/upstream/connection.js';
import type { StdioEntry } from '../../src/config/types.js';
import { checkSandboxSupport } from '../../src/sandbox/support.js';

export const PROBE_SERVER = fileURLToPath(new URL('../fixtures/sandbox/probe-server.mjs', import.meta.url));
export const FILESYSTEM_SERVER = fileURLToPath(new URL('../../node_modules/@modelcontextprotocol/server-filesystem/dist/index.js', import.meta.url));
export const EVERYTHING_SERVER = fileURLToPath(new URL('../../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url));

export const isLinux = process.platform === 'linux';

/** Throws with what to install when bubblewrap cannot run: these tests must not pass vacuously. */
export async function requireSandbox(): Promise<void> {
  const support = await checkSandboxSupport();
  if (!support.ok) {
    throw new Error(`The sandbox tests need bubblewrap, and it cannot run here: ${support.reason}.\n${support.hint}\n(CI installs it in .ci/run with apt-get.)`);
  }
}

export interface VisibleHome {
  root: string;
  home: string;
  project: string;
  secret: string;
  cleanup(): void;
}

/**
 * A HOME with a planted ~/.ssh/id_rsa and a project directory, outside /tmp, and process.env
 * pointed at them (each test file runs in its own process). Children inherit it.
 */
export function visibleHome(): VisibleHome {
  const root = realpathSync(mkdtempSync('/var/tmp/patchbay-sandbox-test-'));
  const home = join(root, 'home');
  const project = join(root, 'project');
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  const secret = `-----BEGIN OPENSSH PRIVATE KEY-----\nplanted-${Math.random().toString(36).slice(2)}\n-----END OPENSSH PRIVATE KEY-----\n`;
  writeFileSync(join(home, '.ssh', 'id_rsa'), secret, { mode: 0o600 });
  mkdirSync(project, { recursive: true });
  Object.assign(process.env, {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    XDG_CACHE_HOME: join(home, '.cache'),
  });
  return { root, home, project, secret, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface Connected {
  connection: UpstreamConnection;
  logs: string[];
  call(tool: string, args: Record<string, unknown>): Promise<string>;
}

/** Starts a server the way the hub does (connectUpstream), collecting its log lines. */
export async function connect(name: string, entry: StdioEntry, cwd: string): Promise<Connected> {
  const logs: string[] = [];
  const connection = await connectUpstream(name, entry, { timeoutMs: 20_000, cwd, env: process.env, log: (level, message) => logs.push(`${level} ${message}`) });
  return {
    connection,
    logs,
    async call(tool, args) {
      const result = (await connection.request('tools/call', { name: tool, arguments: args })) as { content: { type: string; text?: string }[]; isError?: boolean };
      return result.content.map((c) => c.text ?? '').join('\n');
    },
  };
}
