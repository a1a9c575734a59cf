/**
 * The real CLI (bin/patchbay.js → dist/, so build first) with provider keys in a command's
 * output and in a private file, in front of an OpenAI-compatible upstream on 127.0.0.1:
 * `patchbay proxy` and `patchbay up` serve with them, and neither their banners, their logs,
 * `patchbay env`, `patchbay cost`, the error a client gets nor any file Patchbay wrote holds a key.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATCHBAY_BIN, runCli } from '../../helpers/cli.js';
import { openaiError, startOpenAIUpstream } from '../../fixtures/upstreams/openai.js';
import type { FakeUpstream } from '../../fixtures/upstreams/server.js';
import { countingKeyScript, tempDir, type KeyScript } from './key-script.js';

const TOKEN = 'pb_keys_cli_token_abcdefghijklmnopqrstuvwxyz0123';
const FILE_KEY = 'filed-key-7f3a9c2e41d8b6a0';

let upstream: FakeUpstream;
let home: string;
let configDir: string;
let script: KeyScript;
let env: NodeJS.ProcessEnv;
/** Everything the CLI printed and every answer it gave. */
const output: string[] = [];

beforeAll(async () => {
  upstream = await startOpenAIUpstream();
  home = tempDir('pb-keys-cli-');
  configDir = join(home, 'config');
  mkdirSync(configDir, { recursive: true });
  script = countingKeyScript('cmd-key-5b1e0d9f7c3a', configDir);
  writeFileSync(join(configDir, 'filed.key'), `${FILE_KEY}\n`, { mode: 0o600 });
  writeFileSync(join(configDir, 'config.json'), JSON.stringify({
    proxy: {
      providers: [
        // Relative: the command runs in the config file's folder.
        { name: 'vault', kind: 'openai', baseUrl: upstream.url, apiKey: 'cmd:sh ./print-key.sh' },
        { name: 'filed', kind: 'openai', baseUrl: upstream.url, apiKey: 'file:filed.key' },
      ],
      router: { default: 'vault,gpt-4.1', background: 'filed,gpt-4.1-mini' },
      retry: { maxAttempts: 1 },
    },
  }, null, 2));
  env = { ...process.env, PATCHBAY_HOME: home, PATCHBAY_TOKEN: TOKEN, NO_COLOR: '1', OPENAI_API_KEY: '', GEMINI_API_KEY: '', ANTHROPIC_API_KEY: '', PREFERRED_PROVIDER: '' };
});
afterAll(async () => { await upstream?.close(); });

/** Starts a long-running command, waits for `ready` in its stdout, runs `use(url)`, stops it with SIGTERM. */
async function serve(args: string[], ready: RegExp, use: (base: string) => Promise<void>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const project = tempDir('pb-keys-project-');
  const child = spawn(process.execPath, [PATCHBAY_BIN, ...args], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => { clearTimeout(timer); resolve(code); }));
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const match = ready.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void closed.then((code) => reject(new Error(`patchbay ${args.join(' ')} exited with ${code}:\n${stdout}\n${stderr}`)));
  });
  try {
    await use(base);
  } finally {
    child.kill('SIGTERM');
  }
  const code = await closed;
  output.push(stdout, stderr);
  return { code, stdout, stderr };
}

async function ask(base: string, model: string): Promise<number> {
  const response = await fetch(`${base}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify({ model, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
  });
  output.push(await response.text());
  return response.status;
}

/** Every file under `dir`, as text (SQLite keeps text as UTF-8, so a key in the database would show). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [readFileSync(path).toString('latin1')];
  });
}

describe.runIf(process.platform !== 'win32')('provider keys from a command and a file, through the real CLI', () => {
  it('patchbay proxy serves with both keys and prints neither', async () => {
    const result = await serve(['proxy', '--port', '0'], /on (http:\/\/127\.0\.0\.1:\d+)/, async (base) => {
      expect(await ask(base, 'claude-opus-4-8')).toBe(200);
      expect(await ask(base, 'claude-haiku-4-5')).toBe(200);
      // The provider echoes the file key back in its refusal; the client gets it masked.
      upstream.queue((r, res) => openaiError(res, 401, `Incorrect API key provided: ${String(r.headers.authorization).slice(7)}.`, 'invalid_request_error', 'invalid_api_key'));
      expect(await ask(base, 'claude-haiku-4-5')).toBe(502);
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('default     → vault,gpt-4.1');
    expect(upstream.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${script.key(1)}`, `Bearer ${FILE_KEY}`, `Bearer ${FILE_KEY}`]);
    expect(script.runs()).toBe(1);
    expect(output.at(-3)).toContain('filed refused the API key Patchbay holds for it');
    expect(output.at(-3)).toContain(`check the key file ${join(configDir, 'filed.key')}`);
  });

  it('patchbay up mounts the proxy with them and prints neither', async () => {
    const result = await serve(['up', '--port', '0'], /MCP endpoint: (http:\/\/127\.0\.0\.1:\d+)\/mcp/, async (base) => {
      expect(await ask(base, 'claude-opus-4-8')).toBe(200);
    });
    expect(result.stdout).toContain('/v1/messages (same token)');
    expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${script.key(2)}`); // a new process runs the command again
  });

  it('patchbay env and patchbay cost print neither', async () => {
    const printed = await runCli(['env'], { env });
    expect(printed.stdout).toContain(`ANTHROPIC_AUTH_TOKEN='${TOKEN}'`);
    const cost = await runCli(['cost', '--by', 'provider', '--json'], { env });
    expect(cost.stdout).toContain('vault');
    expect(cost.stdout).toContain('filed');
    output.push(printed.stdout, printed.stderr, cost.stdout, cost.stderr);
    expect(script.runs()).toBe(2); // neither ran the key command
  });

  it('no output, answer or file Patchbay wrote (usage database, logs) holds a key', () => {
    const keys = [FILE_KEY, script.key(1), script.key(2)];
    const printed = output.join('\n');
    expect(printed.length).toBeGreaterThan(500);
    for (const key of keys) expect(printed).not.toContain(key);
    // Everything but config/, which holds the key file itself.
    const written = readdirSync(home).filter((name) => name !== 'config').flatMap((name) => filesUnder(join(home, name))).join('\n');
    expect(written).toContain('gpt-4.1-mini'); // the usage database is there and readable as text
    for (const key of keys) expect(written).not.toContain(key);
  });
});
