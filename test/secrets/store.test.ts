/**
 * The secret store through the real CLI (`bin/patchbay.js`): set from stdin, list, get with and
 * without --show, rm; the value never appears in any output, log or file but the encrypted
 * store; the file decrypts only with its key, and a wrong key says so; 20 concurrent `secrets
 * set` runs lose nothing; the store, its key and its folder are owner-only.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { open as openSealed } from '../../src/secrets/store/cipher.js';
import { secretStorePaths } from '../../src/secrets/store/open-store.js';

const posix = process.platform !== 'win32';
const VALUE = `ghp_${randomBytes(18).toString('hex')}`;

/** Every file under a folder, for grepping. */
function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...allFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

describe('patchbay secrets', () => {
  it('set, list, get, get --show, rm: the value only where asked for', async () => {
    const set = await runCli(['secrets', 'set', 'GITHUB_TOKEN'], { input: `${VALUE}\n` });
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('Stored secret GITHUB_TOKEN');

    const list = await runCli(['secrets', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^GITHUB_TOKEN {2}\(encrypted file, set \d{4}-\d\d-\d\dT/m);
    const json = JSON.parse((await runCli(['secrets', 'list', '--json'])).stdout) as { name: string; usedBy: unknown[] }[];
    expect(json).toMatchObject([{ name: 'GITHUB_TOKEN', backend: 'file', usedBy: [] }]);

    const get = await runCli(['secrets', 'get', 'GITHUB_TOKEN']);
    expect(get.stdout).toContain('the value is hidden');
    const shown = await runCli(['secrets', 'get', 'GITHUB_TOKEN', '--show']);
    expect(shown.stdout).toBe(`${VALUE}\n`);

    const again = await runCli(['secrets', 'set', 'GITHUB_TOKEN'], { input: `${VALUE}x` });
    expect(again.stdout).toContain('Updated secret GITHUB_TOKEN');
    expect((await runCli(['secrets', 'get', 'GITHUB_TOKEN', '--show'])).stdout).toBe(`${VALUE}x\n`);

    // Only the --show answers above ever printed it; no file holds it in clear.
    for (const result of [set, list, get, again]) expect(result.stdout + result.stderr).not.toContain(VALUE);
    for (const file of allFiles(process.env.HOME!)) expect(readFileSync(file, 'latin1'), file).not.toContain(VALUE);

    const rm = await runCli(['secrets', 'rm', 'GITHUB_TOKEN']);
    expect(rm.stdout).toContain('Removed secret GITHUB_TOKEN');
    const missing = await runCli(['secrets', 'get', 'GITHUB_TOKEN', '--show']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('there is no secret "GITHUB_TOKEN"');
    expect(missing.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  it('refuses an empty value and a bad name, storing nothing', async () => {
    const empty = await runCli(['secrets', 'set', 'EMPTY'], { input: '\n' });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('no value given for secret "EMPTY"');
    const bad = await runCli(['secrets', 'set', '9lives'], { input: 'x' });
    expect(bad.stderr).toContain('"9lives" is not a valid secret name');
    expect((await runCli(['secrets', 'list'])).stdout).not.toMatch(/EMPTY|9lives/);
  });

  it.runIf(posix)('keeps the store, its key and its folder owner-only', async () => {
    await runCli(['secrets', 'set', 'MODE_CHECK'], { input: 'value-1234' });
    const { file, keyFile } = secretStorePaths();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
  });

  it('decrypts only with its key; a wrong key says so and changes nothing', async () => {
    await runCli(['secrets', 'set', 'SEALED'], { input: 'sealed-value-9876' });
    const { file, keyFile } = secretStorePaths();
    const store = JSON.parse(readFileSync(file, 'utf8')) as { secrets: Record<string, { iv: string; tag: string; data: string }> };
    const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
    expect(openSealed(key, store.secrets.SEALED!, 'SEALED')).toBe('sealed-value-9876');
    expect(openSealed(randomBytes(32), store.secrets.SEALED!, 'SEALED')).toBeUndefined();
    // Bound to its name: the same ciphertext under another name does not open.
    expect(openSealed(key, store.secrets.SEALED!, 'OTHER')).toBeUndefined();

    const before = readFileSync(file, 'utf8');
    const wrong = await runCli(['secrets', 'get', 'SEALED', '--show'], { env: { PATCHBAY_SECRET_KEY: randomBytes(32).toString('base64') } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('cannot be decrypted with the key from PATCHBAY_SECRET_KEY: wrong key');
    const wrongSet = await runCli(['secrets', 'set', 'SEALED'], { input: 'other', env: { PATCHBAY_SECRET_KEY: randomBytes(32).toString('hex') } });
    expect(wrongSet.stderr).toContain('wrong key');
    expect(readFileSync(file, 'utf8')).toBe(before);

    const malformed = await runCli(['secrets', 'get', 'SEALED', '--show'], { env: { PATCHBAY_SECRET_KEY: 'not-a-key' } });
    expect(malformed.stderr).toContain('PATCHBAY_SECRET_KEY is not a 32-byte key');
    expect(malformed.stderr).not.toContain('not-a-key');

    // The key from the environment works like the key file.
    const fromEnv = await runCli(['secrets', 'get', 'SEALED', '--show'], { env: { PATCHBAY_SECRET_KEY: key.toString('base64') } });
    expect(fromEnv.stdout).toBe('sealed-value-9876\n');
  });

  it('says the key is missing when the key file is gone', async () => {
    await runCli(['secrets', 'set', 'KEYED'], { input: 'keyed-value-5555' });
    const { keyFile } = secretStorePaths();
    const key = readFileSync(keyFile, 'utf8');
    writeFileSync(`${keyFile}.saved`, key);
    const { rmSync } = await import('node:fs');
    rmSync(keyFile);
    try {
      const result = await runCli(['secrets', 'get', 'KEYED', '--show']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`the key of the secret store`);
      expect(result.stderr).toContain('is missing');
    } finally {
      writeFileSync(keyFile, key, { mode: 0o600 });
    }
  });

  it('loses nothing when 20 `secrets set` run at once', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `CONCURRENT_${i}`);
    const results = await Promise.all(names.map((name, i) => runCli(['secrets', 'set', name], { input: `value-${i}-${VALUE}`, timeoutMs: 60_000 })));
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const listed = JSON.parse((await runCli(['secrets', 'list', '--json'])).stdout) as { name: string }[];
    expect(listed.map((s) => s.name)).toEqual(expect.arrayContaining(names));
    const values = await Promise.all(names.slice(0, 5).map((name) => runCli(['secrets', 'get', name, '--show'])));
    values.forEach((v, i) => expect(v.stdout).toBe(`value-${i}-${VALUE}\n`));
  }, 120_000);
});
