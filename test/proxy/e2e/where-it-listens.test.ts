/**
 * `patchbay env` and `patchbay claude` follow a running hub: the real CLI as child processes,
 * `patchbay up --port 0` and `patchbay proxy --port 0` recording where they listen (an
 * owner-only file with pid and URL, gone when they stop), `env` printing that URL and `claude`
 * sending Claude Code there, a stale record (its pid is gone) ignored and removed, and a clear
 * word, with how to start one, when nothing listens. Before, both printed and used 3457
 * while `up` served the proxy on 8765.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIUpstream } from '../../fixtures/upstreams/openai.js';
import type { FakeUpstream } from '../../fixtures/upstreams/server.js';
import { PATCHBAY_BIN } from '../../helpers/cli.js';

const FAKE_BIN = fileURLToPath(new URL('./bin', import.meta.url));
const TOKEN = 'pb_where_it_listens_token_0123456789abcdefgh';

let upstream: FakeUpstream;
let home: string;
const runDir = (): string => join(home, 'data', 'run');
const children: ChildProcessWithoutNullStreams[] = [];

beforeAll(async () => {
  upstream = await startOpenAIUpstream();
});
afterAll(async () => { await upstream?.close(); });
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function freshHome(): void {
  home = mkdtempSync(join(tmpdir(), 'patchbay-listen-'));
}

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // PATCHBAY_PROXY_PORT points the configured address at a port nothing listens on.
  return { ...process.env, PATCHBAY_HOME: home, PATCHBAY_TOKEN: TOKEN, OPENAI_API_KEY: 'sk-upstream', OPENAI_BASE_URL: upstream.url, PREFERRED_PROVIDER: 'openai', SMALL_MODEL: 'small-model', PATCHBAY_PROXY_PORT: '9', NO_COLOR: '1', ...extra };
}

function run(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PATCHBAY_BIN, ...args], { env: env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a long-running command and resolves with it once `ready` matches its stdout. */
function start(args: string[], ready: RegExp, cwd?: string): Promise<{ child: ChildProcessWithoutNullStreams; match: RegExpMatchArray; output: () => string }> {
  const child = spawn(process.execPath, [PATCHBAY_BIN, ...args], { env: env(), cwd: cwd ?? home });
  children.push(child);
  let text = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      const match = ready.exec(text);
      if (match) resolve({ child, match, output: () => text });
    });
    child.stderr.on('data', (d: Buffer) => { text += d.toString(); });
    child.once('exit', (code) => reject(new Error(`patchbay ${args.join(' ')} exited with ${code}:\n${text}`)));
  });
}

function stop(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

const exportedUrl = (stdout: string): string | undefined => /^export ANTHROPIC_BASE_URL='([^']+)'$/m.exec(stdout)?.[1];

describe('patchbay proxy --port N, then patchbay env', () => {
  it('records where it listens (0600, pid and URL), env prints that URL, and the record goes when it stops', async () => {
    freshHome();
    // It says to run `patchbay env` for a port chosen at random: env must then print that port.
    const proxy = await start(['proxy', '--port', '0'], /on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*eval "\$\(patchbay env\)"/);
    const url = proxy.match[1]!;

    const files = readdirSync(runDir());
    expect(files).toEqual([`proxy-${proxy.child.pid}.json`]);
    const file = join(runDir(), files[0]!);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(runDir()).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ kind: 'proxy', pid: proxy.child.pid, url });

    const printed = await run(['env']);
    expect(printed.code).toBe(0);
    expect(exportedUrl(printed.stdout)).toBe(url);
    expect(printed.stdout).toContain(`export ANTHROPIC_AUTH_TOKEN='${TOKEN}'`);
    expect(printed.stderr).toContain(`patchbay proxy\` (pid ${proxy.child.pid})`);
    // --port is explicit: it wins over the record.
    expect(exportedUrl((await run(['env', '--port', '4567'])).stdout)).toBe('http://127.0.0.1:4567');

    expect(await stop(proxy.child)).toBe(0);
    expect(existsSync(file)).toBe(false);
    const after = await run(['env']);
    expect(exportedUrl(after.stdout)).toBe('http://127.0.0.1:9');
    expect(after.stderr).toContain('nothing is listening at http://127.0.0.1:9');
    expect(after.stderr).toContain('`patchbay proxy`');
  });
});

describe('patchbay up, then patchbay env and patchbay claude', () => {
  it('points both at the proxy that up serves on its own port, and stops pointing there when up stops', async () => {
    freshHome();
    const project = join(home, 'project');
    mkdirSync(project);
    const up = await start(['up', '--port', '0'], /MCP endpoint: http:\/\/127\.0\.0\.1:(\d+)\/mcp[\s\S]*Press Ctrl\+C/, project);
    const base = `http://127.0.0.1:${up.match[1]}`;
    expect(up.output()).toContain(`Model proxy:  ${base}/v1/messages`);

    const printed = await run(['env']);
    expect(exportedUrl(printed.stdout)).toBe(base);
    expect(printed.stderr).toContain(`patchbay up\` (pid ${up.child.pid}, project ${project})`);

    const before = upstream.requests.length;
    const claude = await run(['claude', '-p', 'hi'], { PATH: `${FAKE_BIN}:${process.env.PATH}` });
    expect(claude.stdout).toContain('status=200 text=Hello from small-model.');
    expect(claude.stdout).toContain(`base=${base}\n`);
    expect(claude.code).toBe(0);
    expect(upstream.requests.length).toBe(before + 1);

    expect(await stop(up.child)).toBe(0);
    expect(readdirSync(runDir())).toEqual([]);
    expect((await run(['env'])).stderr).toContain('nothing is listening');
  });
});

describe('a stale record', () => {
  it('is ignored and removed when its pid is gone', async () => {
    freshHome();
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.once('exit', resolve));
    mkdirSync(runDir(), { recursive: true });
    const file = join(runDir(), `up-${dead.pid}.json`);
    writeFileSync(file, JSON.stringify({ kind: 'up', pid: dead.pid, url: 'http://127.0.0.1:8765', startedAt: new Date().toISOString() }), { mode: 0o600 });

    const printed = await run(['env']);
    expect(exportedUrl(printed.stdout)).toBe('http://127.0.0.1:9');
    expect(printed.stderr).toContain('nothing is listening');
    expect(existsSync(file)).toBe(false);
  });
});
