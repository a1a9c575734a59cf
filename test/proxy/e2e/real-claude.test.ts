/**
 * The real Claude Code through `patchbay claude -p` against an OpenAI-compatible upstream on
 * 127.0.0.1. Claude Code is a 360 MB native binary that the root install does not bring, so this
 * runs only where it is installed: in bench/ (`cd bench && npm install`, which has it as a bench
 * dependency) or in the folder PATCHBAY_TEST_CLAUDE_DIR names, e.g.:
 *   npm install --prefix /tmp/cc @anthropic-ai/claude-code
 *   PATCHBAY_TEST_CLAUDE_DIR=/tmp/cc/node_modules/.bin npx vitest run test/proxy/e2e/real-claude.test.ts
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATCHBAY_BIN } from '../../helpers/cli.js';
import { startOpenAIUpstream } from '../../fixtures/upstreams/openai.js';
import type { FakeUpstream } from '../../fixtures/upstreams/server.js';

const BENCH_BIN = fileURLToPath(new URL('../../../bench/node_modules/.bin', import.meta.url));
const CLAUDE_DIR = process.env.PATCHBAY_TEST_CLAUDE_DIR ?? (existsSync(join(BENCH_BIN, 'claude')) ? BENCH_BIN : undefined);

describe.skipIf(!CLAUDE_DIR)('real Claude Code through patchbay claude', () => {
  let upstream: FakeUpstream;
  beforeAll(async () => { upstream = await startOpenAIUpstream(); });
  afterAll(async () => { await upstream?.close(); });

  it('answers `patchbay claude -p` from the OpenAI-compatible upstream and exits 0', async () => {
    const home = process.env.HOME!;
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [PATCHBAY_BIN, 'claude', '-p', 'Say hi'], {
        env: {
          ...process.env, PATH: `${CLAUDE_DIR}:${process.env.PATH}`, PATCHBAY_TOKEN: 'pb_real_claude_test_token_0123456789',
          OPENAI_API_KEY: 'sk-upstream', OPENAI_BASE_URL: upstream.url, PREFERRED_PROVIDER: 'openai', BIG_MODEL: 'big-model', SMALL_MODEL: 'small-model',
          PATCHBAY_PROXY_PORT: '0', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1', XDG_CONFIG_HOME: join(home, '.config'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
      child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Hello from (big|small)-model\./);
    const main = upstream.requests.map((r) => r.json<{ model: string; tools?: unknown[] }>()).find((b) => b.model === 'big-model');
    expect(main?.tools?.length).toBeGreaterThan(5); // Claude Code's own tools, translated
  }, 120_000);
});
