/**
 * `patchbay proxy`, `patchbay env` and `patchbay claude` as the real CLI (bin/patchbay.js → dist/,
 * so build first) in child processes with the test's temporary HOME, against an
 * OpenAI-compatible upstream on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATCHBAY_BIN } from '../../helpers/cli.js';
import { startOpenAIUpstream } from '../../fixtures/upstreams/openai.js';
import type { FakeUpstream } from '../../fixtures/upstreams/server.js';

const FAKE_BIN = fileURLToPath(new URL('./bin', import.meta.url));
const TOKEN = 'pb_cli_test_token_abcdefghijklmnopqrstuvwxyz012345';

let upstream: FakeUpstream;
beforeAll(async () => { upstream = await startOpenAIUpstream(); });
afterAll(async () => { await upstream?.close(); });

interface Run { code: number | null; stdout: string; stderr: string }

function run(args: string[], env: NodeJS.ProcessEnv = {}, onStdout?: (text: string, kill: () => void) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PATCHBAY_BIN, ...args], {
      env: { ...process.env, PATCHBAY_TOKEN: TOKEN, OPENAI_API_KEY: 'sk-upstream', OPENAI_BASE_URL: upstream.url, PREFERRED_PROVIDER: 'openai', SMALL_MODEL: 'small-model', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; onStdout?.(stdout, () => child.kill('SIGTERM')); });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

describe('patchbay env', () => {
  it('prints the exports for sh, fish and powershell with the configured port', async () => {
    const sh = await run(['env'], { PATCHBAY_PROXY_PORT: '4567' });
    expect(sh.code).toBe(0);
    expect(sh.stdout).toBe(`export ANTHROPIC_BASE_URL='http://127.0.0.1:4567'\nexport ANTHROPIC_AUTH_TOKEN='${TOKEN}'\n`);
    const fish = await run(['env', '--shell', 'fish']);
    expect(fish.stdout).toContain(`set -gx ANTHROPIC_BASE_URL 'http://127.0.0.1:3457';`);
    const ps = await run(['env', '--shell', 'powershell']);
    expect(ps.stdout).toContain(`$env:ANTHROPIC_AUTH_TOKEN = "${TOKEN}"`);
    const bad = await run(['env', '--shell', 'tcsh']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--shell tcsh is not supported');
  });
});

describe('patchbay claude', () => {
  it('runs claude against an in-process proxy, passes every argument and exits with claude\'s code', async () => {
    const result = await run(['claude', '-p', 'say hi', '--model', 'haiku', '--verbose'], {
      PATH: `${FAKE_BIN}:${process.env.PATH}`, FAKE_CLAUDE_EXIT: '3', ANTHROPIC_API_KEY: 'sk-ant-real', PATCHBAY_PROXY_PORT: '0',
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('status=200 text=Hello from small-model.');
    expect(result.stdout).toContain('args=["-p","say hi","--model","haiku","--verbose"] apiKey=unset');
    expect(result.code).toBe(3);
    expect(upstream.requests.at(-1)!.headers.authorization).toBe('Bearer sk-upstream');
  });

  it('uses a proxy that is already listening with the same key instead of starting one', async () => {
    const { startHarness, TOKEN: RUNNING_TOKEN } = await import('./harness.js');
    const running = await startHarness({ providers: [{ name: 'up', kind: 'openai', baseUrl: upstream.url, apiKeyEnv: 'K' }], router: { default: 'up,already-running' } }, { K: 'sk-upstream' });
    try {
      const result = await run(['claude', '-p', 'hi'], { PATH: `${FAKE_BIN}:${process.env.PATH}`, PATCHBAY_TOKEN: RUNNING_TOKEN, PATCHBAY_PROXY_PORT: String(running.proxy.port) });
      expect(result.stdout).toContain('status=200 text=Hello from already-running.');
      expect(running.usage.at(-1)).toMatchObject({ client: 'claude-cli', model: 'already-running' });
      expect(result.code).toBe(0);
    } finally {
      await running.close();
    }
  });

  it('says how to install Claude Code when claude is not on PATH', async () => {
    const result = await run(['claude', '-p', 'x'], { PATH: '/nonexistent', PATCHBAY_PROXY_PORT: '0' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('"claude" was not found on PATH');
    expect(result.stderr).toContain('npm install -g @anthropic-ai/claude-code');
  });
});

describe('patchbay proxy', () => {
  it('serves until SIGTERM, printing its address and routes', async () => {
    let answered: Promise<number> | undefined;
    const result = await run(['proxy', '--port', '0'], {}, (text, kill) => {
      const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
      if (url && !answered) {
        answered = fetch(`${url}/v1/messages`, {
          method: 'POST', headers: { 'x-api-key': TOKEN, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'claude-opus-4-8', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
        }).then((r) => r.status).finally(kill);
      }
    });
    expect(await answered).toBe(200);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('default     → openai,gpt-4.1');
    expect(result.stdout).toContain('background  → openai,small-model');
    expect(result.stdout + result.stderr).not.toContain('sk-upstream');
    // The request went into Patchbay's SQLite usage store, under the test's temporary HOME.
    const { openUsageStore } = await import('../../../src/store/usage-store.js');
    const store = openUsageStore();
    const rows = store.query({ by: 'model' });
    await store.close();
    expect(rows).toContainEqual(expect.objectContaining({ key: 'gpt-4.1', requests: 1, inputTokens: 12, outputTokens: 5, errors: 0 }));
  });

  it('explains a config mistake with file and field instead of a stack trace', async () => {
    const result = await run(['proxy'], { PREFERRED_PROVIDER: 'mistral' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PREFERRED_PROVIDER: "mistral" has no provider');
    expect(result.stderr).not.toContain('    at ');
  });
});
