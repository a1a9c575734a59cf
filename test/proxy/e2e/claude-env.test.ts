/**
 * `patchbay claude` must not hand provider keys to Claude Code, whose Bash tool (and every hook
 * and MCP server it starts) inherits its environment: the real CLI runs the fake `claude` in
 * test/proxy/e2e/bin, which writes down the whole environment it got, with a config.json whose
 * providers name their keys in both ways (`apiKeyEnv`, `"apiKey": "${VAR}"`) and the default
 * key variables set too. The proxy must still have the keys: the request reaches the provider
 * with its key.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIUpstream } from '../../fixtures/upstreams/openai.js';
import type { FakeUpstream } from '../../fixtures/upstreams/server.js';
import { PATCHBAY_BIN } from '../../helpers/cli.js';

const FAKE_BIN = fileURLToPath(new URL('./bin', import.meta.url));
const KEYS = {
  OPENAI_API_KEY: 'sk-openai-secret-0001',
  GEMINI_API_KEY: 'AIza-gemini-secret-0002',
  ANTHROPIC_API_KEY: 'sk-ant-secret-0003',
  OPENROUTER_API_KEY: 'sk-or-secret-0004',
  CORP_LLM_KEY: 'corp-secret-0005',
  REF_GEMINI_TOKEN: 'ref-secret-0006',
};

let upstream: FakeUpstream;
let home: string;
beforeAll(async () => {
  upstream = await startOpenAIUpstream();
  home = mkdtempSync(join(tmpdir(), 'patchbay-claude-env-'));
  mkdirSync(join(home, 'config'), { recursive: true });
  writeFileSync(join(home, 'config', 'config.json'), JSON.stringify({
    proxy: {
      port: 0,
      providers: [
        { name: 'corp', kind: 'openai', baseUrl: upstream.url, apiKeyEnv: 'CORP_LLM_KEY' },
        { name: 'ref', kind: 'gemini', baseUrl: 'http://127.0.0.1:9/v1beta', apiKey: '${REF_GEMINI_TOKEN}' },
      ],
      router: { default: 'corp,corp-model', background: 'corp,corp-small' },
    },
  }));
});
afterAll(async () => { await upstream?.close(); });

function runClaude(envFile: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PATCHBAY_BIN, 'claude', '-p', 'hi'], {
      env: { ...process.env, ...KEYS, PATCHBAY_HOME: home, PATCHBAY_TOKEN: 'pb_claude_env_test_token_0123456789abcdef', UNRELATED_SETTING: 'keep-me', PATH: `${FAKE_BIN}:${process.env.PATH}`, FAKE_CLAUDE_ENV_FILE: envFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

describe('patchbay claude and provider keys', () => {
  it('keeps every provider key out of Claude Code\'s environment, while the proxy still uses them', async () => {
    const envFile = join(home, 'claude-env.json');
    const result = await runClaude(envFile);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('status=200 text=Hello from corp-small.');
    expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEYS.CORP_LLM_KEY}`);

    const env = JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>;
    for (const [name, secret] of Object.entries(KEYS)) {
      expect(env[name], name).toBeUndefined();
      const holders = Object.entries(env).filter(([, value]) => value.includes(secret)).map(([key]) => key);
      expect(holders, `${name}'s value`).toEqual([]);
    }
    expect(env.UNRELATED_SETTING).toBe('keep-me');
    expect(env.ANTHROPIC_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.ANTHROPIC_AUTH_TOKEN).toBe('pb_claude_env_test_token_0123456789abcdef');
  });
});
