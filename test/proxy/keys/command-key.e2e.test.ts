/**
 * `"apiKey": "cmd:…"` end to end: the official Anthropic SDK against Patchbay's proxy in front of
 * OpenAI-compatible and Anthropic servers on 127.0.0.1, with a real shell script as the key
 * command that counts its runs. Caching, the TTL, refresh on 401 and failures are all observed
 * from outside: the script's run count and the Authorization header each upstream request carried.
 */
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProxySettings } from '../../../src/proxy/config/validate.js';
import { startAnthropicUpstream } from '../../fixtures/upstreams/anthropic.js';
import { openaiError, startOpenAIUpstream } from '../../fixtures/upstreams/openai.js';
import type { FakeUpstream, RecordedRequest } from '../../fixtures/upstreams/server.js';
import { FAST_RETRY, TOKEN, startHarnessWith, type ProxyHarness } from '../e2e/harness.js';
import { countingKeyScript, tempDir, writeScript, type KeyScript } from './key-script.js';

let openai: FakeUpstream;
let anthropic: FakeUpstream;
const harnesses: ProxyHarness[] = [];
const scripts: KeyScript[] = [];
/** Everything Patchbay said: log lines, usage records, error bodies. No key may appear in it. */
const said: string[] = [];

beforeAll(async () => {
  openai = await startOpenAIUpstream();
  anthropic = await startAnthropicUpstream();
});
afterAll(async () => {
  for (const h of harnesses) await h.close();
  await openai?.close();
  await anthropic?.close();
});

async function start(script: KeyScript, provider: Record<string, unknown> = {}, config: Record<string, unknown> = {}): Promise<ProxyHarness> {
  scripts.push(script);
  const settings = parseProxySettings({
    retry: FAST_RETRY,
    providers: [{ name: 'vault', kind: 'openai', baseUrl: openai.url, apiKey: script.reference, ...provider }],
    router: { default: 'vault,gpt-4.1' },
    ...config,
  }, join(script.dir, 'config.json'), process.env);
  const h = await startHarnessWith(settings, { log: (line) => said.push(line) });
  harnesses.push(h);
  return h;
}

const hi = [{ role: 'user' as const, content: 'hi' }];
const ask = (h: ProxyHarness, model = 'claude-sonnet-4-6') => h.client.messages.create({ model, max_tokens: 20, messages: hi });
const failure = async (h: ProxyHarness, model = 'claude-sonnet-4-6') => {
  const error = await ask(h, model).catch((e: unknown) => e) as { status: number; error: { error: { type: string; message: string } } };
  said.push(JSON.stringify(error.error));
  return { status: error.status, type: error.error.error.type, message: error.error.error.message };
};
const bearer = (r: RecordedRequest): string | undefined => r.headers.authorization;
/** OpenAI answers a bad key with 401 invalid_api_key; this one echoes the key whole. */
const refuseKey = (r: RecordedRequest, res: ServerResponse): void =>
  openaiError(res, 401, `Incorrect API key provided: ${bearer(r)?.slice(7)}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', 'invalid_api_key');

describe.runIf(process.platform !== 'win32')('a provider key printed by a command', () => {
  it('runs the command when the first request needs it, once for concurrent requests, and reuses the key', async () => {
    const script = countingKeyScript('sk-cmd-cache-');
    const h = await start(script);
    expect(script.runs()).toBe(0); // starting the proxy runs nothing
    const before = openai.requests.length;
    const answers = await Promise.all(Array.from({ length: 5 }, () => ask(h)));
    expect(answers.every((m) => m.content[0]?.type === 'text')).toBe(true);
    expect(script.runs()).toBe(1);
    for (let i = 0; i < 3; i++) await ask(h);
    expect(script.runs()).toBe(1);
    expect(openai.requests.slice(before).map(bearer)).toEqual(Array(8).fill(`Bearer ${script.key(1)}`));
  });

  it('runs it again once apiKeyTtlMs has passed', async () => {
    const script = countingKeyScript('sk-cmd-ttl-');
    const h = await start(script, { apiKeyTtlMs: 300 });
    await ask(h);
    await ask(h);
    expect(script.runs()).toBe(1);
    await new Promise((r) => setTimeout(r, 400));
    await ask(h);
    expect(script.runs()).toBe(2);
    expect(bearer(openai.requests.at(-1)!)).toBe(`Bearer ${script.key(2)}`);
  });

  it('fetches a new key and sends the request once more when the provider answers 401', async () => {
    // Not sk-…: the OpenAI translation masks those itself; the proxy must mask any key it holds.
    const script = countingKeyScript('vault-token-401-');
    const h = await start(script);
    openai.queue(refuseKey);
    const before = openai.requests.length;
    const message = await ask(h);
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from gpt-4.1.' }]);
    expect(script.runs()).toBe(2);
    expect(openai.requests.slice(before).map(bearer)).toEqual([`Bearer ${script.key(1)}`, `Bearer ${script.key(2)}`]);
    expect(h.usage.at(-1)).toMatchObject({ provider: 'vault', status: 200 });

    // Refused again with the new key: one more run, one more try, then a 502 that says where the key comes from.
    openai.queue(refuseKey, refuseKey);
    const refused = await failure(h);
    expect(script.runs()).toBe(3);
    expect(refused.status).toBe(502);
    expect(refused.message).toMatch(/^vault refused the API key Patchbay holds for it \(HTTP 401: Upstream provider returned HTTP 401: Incorrect API key provided: \*\*\*\. /);
    expect(refused.message).toContain(`check the key command in ${join(script.dir, 'config.json')}: proxy.providers[0].apiKey`);
    expect(h.usage.at(-1)).toMatchObject({ status: 502 });
  });

  it('answers a failing command with a 500 naming provider and field, tries the fallback, and never calls the provider', async () => {
    const dir = tempDir();
    const path = writeScript(dir, 'locked.sh', 'echo "[ERROR] vault is locked; last token sk-live-0123456789abcdefXYZ revoked" >&2\nexit 1');
    const broken: KeyScript = { dir, path, reference: `cmd:sh '${path}'`, runs: () => 0, key: () => 'sk-live-0123456789abcdefXYZ' };
    const plain = countingKeyScript('sk-cmd-fallback-');
    const h = await start(broken, {}, {
      providers: [
        { name: 'vault', kind: 'openai', baseUrl: openai.url, apiKey: broken.reference },
        { name: 'plain', kind: 'openai', baseUrl: openai.url, apiKey: plain.reference },
      ],
      aliases: { 'vault-only': 'vault,gpt-4.1' },
      fallbacks: { default: ['plain,gpt-4.1-b'] },
    });
    scripts.push(plain);
    const before = openai.requests.length;
    const refused = await failure(h, 'vault-only');
    expect(refused).toMatchObject({ status: 500, type: 'api_error' });
    expect(refused.message).toBe(`provider "vault": its key command (${join(dir, 'config.json')}: proxy.providers[0].apiKey) exited with code 1: [ERROR] vault is locked; last token *** revoked. Run the command yourself to see what it needs (a login, a PATH entry, a vault unlocked).`);
    expect(openai.requests.length).toBe(before);

    const message = await ask(h);
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from gpt-4.1-b.' }]);
    expect(bearer(openai.requests.at(-1)!)).toBe(`Bearer ${plain.key(1)}`);
  });

  it('fills the key in for Anthropic passthrough too, count_tokens included', async () => {
    const script = countingKeyScript('sk-ant-cmd-');
    const h = await start(script, { name: 'claude', kind: 'anthropic', baseUrl: anthropic.url }, { router: { default: 'claude' } });
    const message = await ask(h);
    expect(message.content[0]).toMatchObject({ type: 'text' });
    const counted = await h.client.messages.countTokens({ model: 'claude-sonnet-4-6', messages: hi });
    expect(counted.input_tokens).toBe(4242); // Anthropic counted it: the key was there
    expect(anthropic.requests.slice(-2).map((r) => r.headers['x-api-key'])).toEqual([script.key(1), script.key(1)]);
    expect(JSON.stringify(anthropic.requests.slice(-2).map((r) => r.headers))).not.toContain(TOKEN);
    expect(script.runs()).toBe(1);
  });

  it('keeps every key it fetched out of logs, usage records and error messages', () => {
    said.push(...harnesses.flatMap((h) => h.usage.map((u) => JSON.stringify(u))));
    const keys = scripts.flatMap((s) => Array.from({ length: Math.max(1, s.runs()) }, (_, i) => s.key(i + 1)));
    expect(keys.length).toBeGreaterThan(8);
    expect(said.length).toBeGreaterThan(10);
    const text = said.join('\n');
    for (const key of keys) expect(text).not.toContain(key);
  });
});
