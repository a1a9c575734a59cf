/**
 * `apiKey` references as config.json holds them, resolved against real files with real
 * permissions and real shell commands in a temporary directory.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProxySettings } from '../../../src/proxy/config/validate.js';
import { runKeyCommand, maskKeyLike } from '../../../src/proxy/keys/command.js';
import { tempDir, writeScript } from './key-script.js';

const posix = process.platform !== 'win32';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return `${(error as Error).message} | ${(error as { hint?: string }).hint ?? ''}`;
  }
  throw new Error('expected an error');
}

function providerWith(apiKey: unknown, file: string, env: NodeJS.ProcessEnv = {}, extra: Record<string, unknown> = {}) {
  return parseProxySettings({ providers: [{ name: 'vault', kind: 'openai', apiKey, ...extra }] }, file, env).providers.get('vault')!;
}

describe('"apiKey": "${NAME}"', () => {
  it('reads the variable, and leaves the key unset (for the usual "has no API key" answer) when it is not', () => {
    expect(providerWith('${VAULT_KEY}', '/x/config.json', { VAULT_KEY: 'sk-from-env-1234' })).toMatchObject({ apiKey: 'sk-from-env-1234', keyOrigin: 'the variable VAULT_KEY' });
    const unset = providerWith('${VAULT_KEY}', '/x/config.json', {});
    expect(unset.apiKey).toBeUndefined();
    expect(unset.keySource).toBeUndefined();
  });

  it('refuses a default or text around the reference, without echoing it', () => {
    const message = messageOf(() => providerWith('${VAULT_KEY:-sk-inline-default-99}', '/x/config.json'));
    expect(message).toContain('/x/config.json: proxy.providers[0].apiKey: expected "${NAME}" alone');
    expect(message).not.toContain('sk-inline-default-99');
    expect(messageOf(() => providerWith('Bearer ${VAULT_KEY}', '/x/config.json'))).toContain('keys are not read from config files');
  });
});

describe('"apiKey": "file:PATH"', () => {
  const dir = tempDir();
  const config = join(dir, 'config.json');

  it('reads the trimmed contents of a private file, relative to the config file, and from ~', () => {
    writeFileSync(join(dir, 'openai.key'), '  sk-file-key-0001\n\n', { mode: 0o600 });
    expect(providerWith('file:openai.key', config)).toMatchObject({ apiKey: 'sk-file-key-0001', keyOrigin: `the key file ${join(dir, 'openai.key')}` });
    expect(providerWith(`file:${join(dir, 'openai.key')}`, '/elsewhere/config.json').apiKey).toBe('sk-file-key-0001');
    mkdirSync(join(homedir(), '.keys'), { recursive: true });
    writeFileSync(join(homedir(), '.keys', 'gemini'), 'AIza-home-key\n', { mode: 0o600 });
    expect(providerWith('file:~/.keys/gemini', config).apiKey).toBe('AIza-home-key');
  });

  it.runIf(posix)('refuses a file that group or others can read, as ssh does, with the chmod to run', () => {
    const path = join(dir, 'shared.key');
    writeFileSync(path, 'sk-shared-key-0002\n');
    chmodSync(path, 0o644);
    const message = messageOf(() => providerWith('file:shared.key', config));
    expect(message).toContain(`${config}: proxy.providers[0].apiKey: key file ${path} is open to other users (permissions 0644)`);
    expect(message).toContain(`chmod 600 '${path}'`);
    expect(message).not.toContain('sk-shared-key-0002');
    chmodSync(path, 0o640);
    expect(messageOf(() => providerWith('file:shared.key', config))).toContain('(permissions 0640)');
    chmodSync(path, 0o600);
    expect(providerWith('file:shared.key', config).apiKey).toBe('sk-shared-key-0002');
  });

  it('says what is wrong with a missing, empty or unnamed file', () => {
    expect(messageOf(() => providerWith('file:nope.key', config))).toContain(`key file ${join(dir, 'nope.key')} does not exist`);
    writeFileSync(join(dir, 'empty.key'), '\n', { mode: 0o600 });
    expect(messageOf(() => providerWith('file:empty.key', config))).toContain('is empty');
    expect(messageOf(() => providerWith('file:', config))).toContain('is not named');
    expect(messageOf(() => providerWith('file:.', config))).toContain('is not a file');
  });
});

describe('"apiKey": "cmd:COMMAND" in config', () => {
  it('runs nothing while the config loads: the key is fetched when a request needs it', () => {
    const dir = tempDir();
    const marker = join(dir, 'ran');
    const provider = providerWith(`cmd:touch '${marker}'; echo sk-cmd`, join(dir, 'config.json'), process.env, { apiKeyTtlMs: 1000, apiKeyTimeoutMs: 500 });
    expect(provider.apiKey).toBeUndefined();
    expect(provider.keySource?.peek()).toBeUndefined();
    expect(provider.keyOrigin).toBe(`the key command in ${join(dir, 'config.json')}: proxy.providers[0].apiKey`);
  });

  it('takes apiKeyTtlMs and apiKeyTimeoutMs only with a command, and refuses an empty one', () => {
    expect(messageOf(() => providerWith('${K}', '/x/config.json', {}, { apiKeyTtlMs: 1000 }))).toContain('proxy.providers[0].apiKeyTtlMs: applies only to a key fetched by a command');
    expect(messageOf(() => providerWith(undefined, '/x/config.json', {}, { apiKeyTimeoutMs: 1000 }))).toContain('proxy.providers[0].apiKeyTimeoutMs: applies only');
    expect(messageOf(() => providerWith('cmd:echo k', '/x/config.json', {}, { apiKeyTtlMs: -1 }))).toContain('apiKeyTtlMs: expected a positive integer');
    expect(messageOf(() => providerWith('cmd:  ', '/x/config.json'))).toContain('expected a command after "cmd:"');
  });
});

describe('a literal key in apiKey', () => {
  it('is still refused, naming the reference forms, without echoing the key', () => {
    for (const value of ['sk-proj-literal-0003', 42, 'op read op://vault/key']) {
      const message = messageOf(() => providerWith(value, '/x/config.json'));
      expect(message).toContain('/x/config.json: proxy.providers[0].apiKey: keys are not read from config files; apiKey takes a reference: "${secret:NAME}", "${NAME}", "file:PATH" or "cmd:COMMAND"');
      expect(message).toContain('"apiKeyEnv": "OPENAI_API_KEY"');
      expect(message).not.toContain(String(value));
    }
    expect(messageOf(() => providerWith('${K}', '/x/config.json', {}, { apiKeyEnv: 'K' }))).toContain('apiKey and apiKeyEnv are both set');
  });
});

describe.runIf(posix)('runKeyCommand', () => {
  const dir = tempDir();
  const run = (command: string, timeoutMs = 5000) => runKeyCommand({ command, label: 'provider "vault": its key command (config.json: proxy.providers[0].apiKey)', cwd: dir, env: process.env, timeoutMs });

  it("resolves with the command's trimmed stdout, run in the given directory", async () => {
    writeFileSync(join(dir, 'here.txt'), 'sk-relative-0004\n');
    expect(await run('cat here.txt')).toBe('sk-relative-0004');
    expect(await run("printf '  sk-spaces-0005  \\n\\n'")).toBe('sk-spaces-0005');
  });

  it('reports a non-zero exit with the last stderr line, keys masked, and never the stdout', async () => {
    const script = writeScript(dir, 'fails.sh', [
      'echo sk-printed-before-failing-0006',
      'echo "first line of noise" >&2',
      'echo "[ERROR] token sk-live-0123456789abcdef expired for https://u:pw@vault.example/v1?token=abc; session 9f8e7d6c5b4a39281706f5e4d3c2b1a0 ended" >&2',
      'exit 3',
    ].join('\n'));
    const error = await run(`sh '${script}'`).then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as Error & { code: string; hint: string });
    expect(error.code).toBe('KEY_UNAVAILABLE');
    expect(error.message).toMatch(/^provider "vault": its key command \(config\.json: proxy\.providers\[0\]\.apiKey\) exited with code 3: \[ERROR\] token \*\*\* expired for https:\/\/u:\*\*\*@vault\.example\/v1\?token=\*\*\*; session \*\*\* ended$/);
    expect(error.message).not.toContain('sk-printed-before-failing-0006');
    expect(error.message).not.toContain('first line of noise');
    expect(error.hint).toContain('Run the command yourself');
  });

  it('masks what the command printed on stdout if stderr repeats it', async () => {
    const error = await run('echo plainsecretvalue; echo "got plainsecretvalue from the vault" >&2; exit 1').then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as Error);
    expect(error.message).toContain('got *** from the vault');
  });

  it('reports empty output and a timeout, and stops a command that hangs', async () => {
    await expect(run('echo "no key for you" >&2; true')).rejects.toThrow(/its key command \(.*\) printed nothing: no key for you$/);
    const marker = join(dir, 'survived');
    const started = Date.now();
    // A background job outlives its shell unless the whole process group is stopped.
    await expect(run(`(sleep 1 && touch '${marker}') & sleep 5`, 200)).rejects.toThrow(/did not finish within 200 ms/);
    expect(Date.now() - started).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(existsSync(marker)).toBe(false);
  });
});

describe('maskKeyLike', () => {
  it('masks known values, well-known key prefixes, URL credentials and long random tokens, and keeps prose and paths', () => {
    expect(maskKeyLike('bad key AIzaSyD3adB33f and ghp_abcdef0123 in /home/u/.config/op/config', ['hunter22'])).toBe('bad key *** and *** in /home/u/.config/op/config');
    expect(maskKeyLike('password hunter22 rejected', ['hunter22'])).toBe('password *** rejected');
    expect(maskKeyLike('api_key=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA')).toBe('api_key=***');
    expect(maskKeyLike('[ERROR] 2026-11-24T00:00:00Z you are not signed in')).toBe('[ERROR] 2026-11-24T00:00:00Z you are not signed in');
  });
});
