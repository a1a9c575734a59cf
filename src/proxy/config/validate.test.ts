import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProxySettings } from './load.js';
import { parseProxySettings } from './validate.js';

const parse = (raw: unknown, env: NodeJS.ProcessEnv = {}) => parseProxySettings(raw, '/home/u/.config/patchbay/config.json', env);

describe('parseProxySettings', () => {
  it('reads keys from the named environment variables only', () => {
    const s = parse({ providers: [{ name: 'openrouter', kind: 'openai', baseUrl: 'https://openrouter.ai/api/v1/' }, { name: 'local', baseUrl: 'http://127.0.0.1:11434/v1', apiKeyEnv: 'LOCAL_KEY' }] }, { OPENROUTER_API_KEY: 'sk-or', LOCAL_KEY: 'k2' });
    expect(s.providers.get('openrouter')).toMatchObject({ kind: 'openai', baseUrl: 'https://openrouter.ai/api/v1', apiKey: 'sk-or' });
    expect(s.providers.get('local')).toMatchObject({ kind: 'openai', apiKey: 'k2' });
  });

  it('refuses an inline key and says which variable to use instead, without echoing the key', () => {
    let message = '';
    try { parse({ providers: [{ name: 'openai', kind: 'openai', apiKey: 'sk-secret-123' }] }); } catch (e) { message = `${(e as Error).message} ${(e as { hint: string }).hint}`; }
    expect(message).toContain('config.json: proxy.providers[0].apiKey');
    expect(message).toContain('"apiKeyEnv": "OPENAI_API_KEY"');
    expect(message).not.toContain('sk-secret-123');
  });

  it('names the file and field of each mistake', () => {
    expect(() => parse({ providers: [{ name: 'a', kind: 'mistral' }] })).toThrow(/config\.json: proxy\.providers\[0\]\.kind: expected one of openai, gemini, anthropic/);
    expect(() => parse({ providers: [{ name: 'a', baseUrl: 'ftp://x' }] })).toThrow(/proxy\.providers\[0\]\.baseUrl/);
    expect(() => parse({ providers: [{ name: 'a' }], router: { default: 'b,model' } })).toThrow(/proxy\.router\.default: unknown provider "b"/);
    expect(() => parse({ router: { fallback: 'x' } })).toThrow(/proxy\.router\.fallback: unknown field/);
    expect(() => parse({ providers: [{ name: 'a' }], fallbacks: { default: 'a,b' } })).toThrow(/proxy\.fallbacks\.default: expected an array/);
    expect(() => parse({ retry: { maxAttempts: 0 } })).toThrow(/proxy\.retry\.maxAttempts: expected a positive integer/);
    expect(() => parse({ providers: [{ name: 'a' }, { name: 'a' }] })).toThrow(/proxy\.providers\[1\]\.name: "a" is defined twice/);
  });
});

describe('loadProxySettings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-proxy-config-'));

  it("builds the guide's simplest setup from the environment alone", async () => {
    const s = await loadProxySettings({ file: join(dir, 'missing.json'), env: { PREFERRED_PROVIDER: 'google', GEMINI_API_KEY: 'g', BIG_MODEL: 'gemini-2.5-pro', SMALL_MODEL: 'gemini-2.0-flash' } });
    expect(s.source).toBe('environment');
    expect(s.router.default?.text).toBe('gemini,gemini-2.5-pro');
    expect(s.router.background?.text).toBe('gemini,gemini-2.0-flash');
    expect(s.providers.get('gemini')?.baseUrl).toBe('https://generativelanguage.googleapis.com/v1beta');
  });

  it('keeps the request model when Anthropic is preferred, and does not read ANTHROPIC_BASE_URL (it points at Patchbay)', async () => {
    const s = await loadProxySettings({ file: join(dir, 'missing.json'), env: { PREFERRED_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: 'a', ANTHROPIC_BASE_URL: 'http://127.0.0.1:3457' } });
    expect(s.router.default).toMatchObject({ provider: 'anthropic', model: undefined });
    expect(s.providers.get('anthropic')?.baseUrl).toBe('https://api.anthropic.com');
  });

  it('says which variable is missing for PREFERRED_PROVIDER', async () => {
    await expect(loadProxySettings({ file: join(dir, 'missing.json'), env: { PREFERRED_PROVIDER: 'openai' } })).rejects.toThrow(/PREFERRED_PROVIDER: "openai" has no provider/);
  });

  it('reports a JSON syntax error with its line', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{\n  "proxy": {\n    "port": 1,\n  }\n}\n');
    await expect(loadProxySettings({ file, env: {} })).rejects.toThrow(/bad\.json:4: invalid JSON/);
  });

  it('lets config routes win over the environment and applies PATCHBAY_PROXY_PORT', async () => {
    const file = join(dir, 'ok.json');
    writeFileSync(file, JSON.stringify({ mcpServers: {}, proxy: { providers: [{ name: 'local', baseUrl: 'http://127.0.0.1:9/v1' }], router: { default: 'local,qwen3' } } }));
    const s = await loadProxySettings({ file, env: { OPENAI_API_KEY: 'k', PATCHBAY_PROXY_PORT: '4001' } });
    expect(s.router.default?.text).toBe('local,qwen3');
    expect(s.providers.has('openai')).toBe(true);
    expect(s.port).toBe(4001);
  });
});
