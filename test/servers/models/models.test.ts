/**
 * `patchbay server models` end to end: SDK client → models server → Patchbay's real proxy on
 * 127.0.0.1 (client token) → OpenAI-compatible and Gemini fixture upstreams on 127.0.0.1.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInProcessChannel } from '../../../src/proxy/channel/index.js';
import { createProxyServer } from '../../../src/proxy/server/index.js';
import { parseProxySettings } from '../../../src/proxy/config/validate.js';
import { openThreadStore } from '../../../src/store/thread-store.js';
import { defaultUsageDbPath, openUsageStore, type UsageStore } from '../../../src/store/usage-store.js';
import { answerHello as geminiHello, geminiError, startGeminiUpstream } from '../../fixtures/upstreams/gemini.js';
import { answerHello as openaiHello, startOpenAIUpstream } from '../../fixtures/upstreams/openai.js';
import type { FakeUpstream } from '../../fixtures/upstreams/server.js';
import { runCli } from '../../helpers/cli.js';
import { FAST_RETRY } from '../../proxy/e2e/harness.js';
import { connectModels, heldUntil, startModelsProxy, SHARED_TOKEN } from './helpers.js';

let dir: string;
let openai: FakeUpstream;
let gemini: FakeUpstream;
let usage: UsageStore;
let running: Awaited<ReturnType<typeof startModelsProxy>>;
let threadsFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'patchbay-models-'));
  mkdirSync(join(dir, 'work'));
  writeFileSync(join(dir, 'work', 'notes.md'), 'The launch is on Tuesday.');
  writeFileSync(join(dir, 'secret.txt'), 'outside the roots');
  threadsFile = join(dir, 'threads.db');
  openai = await startOpenAIUpstream();
  gemini = await startGeminiUpstream();
  // The default file under the test's HOME, so `patchbay cost` (the real CLI) reads it.
  usage = openUsageStore(defaultUsageDbPath());
  running = await startModelsProxy(dir, openai, gemini, usage);
});
afterAll(async () => {
  await running?.close();
  await usage?.close();
  await openai?.close();
  await gemini?.close();
});

const connect = (extra: Partial<Parameters<typeof connectModels>[0]> = {}) =>
  connectModels({ url: running.proxy.url, token: running.clientToken, threadsFile, root: join(dir, 'work'), ...extra });

describe('ask', () => {
  it('answers with one model through the proxy, with provider, tokens, cost and progress', async () => {
    const m = await connect();
    const progress: unknown[] = [];
    const r = await m.call('ask', { prompt: 'What is in the notes?', files: ['notes.md'] }, { onprogress: (p) => progress.push(p) });
    expect(r.isError, r.text).toBe(false);
    expect(r.data).toMatchObject({ provider: 'openai', model: 'gpt-4.1', text: 'Hello from gpt-4.1.', input_tokens: 12, output_tokens: 5 });
    // gpt-4.1 list price: $2 in, $8 out per million tokens.
    expect(r.data.cost_usd).toBeCloseTo((12 * 2 + 5 * 8) / 1e6, 10);
    expect(progress.length).toBeGreaterThan(0);
    const sent = openai.requests.at(-1)!;
    expect(sent.headers.authorization).toBe('Bearer sk-models-openai');
    expect(JSON.stringify(sent.json().messages)).toContain('The launch is on Tuesday.');

    const flash = await m.call('ask', { prompt: 'hi', model: 'flash' });
    expect(flash.data).toMatchObject({ provider: 'gemini', model: 'gemini-2.5-flash', text: 'Hello from gemini-2.5-flash.' });
    await m.close();
  });

  it('refuses files outside the roots before any model is called', async () => {
    const m = await connect();
    const before = openai.requests.length;
    for (const file of ['../secret.txt', join(dir, 'secret.txt')]) {
      const r = await m.call('ask', { prompt: 'read it', files: [file] });
      expect(r.isError).toBe(true);
      expect(r.text).toMatch(/outside the server's roots/);
    }
    expect(openai.requests.length).toBe(before);
    await m.close();
  });

  it('lists what the proxy routes to, with prices', async () => {
    const m = await connect();
    const r = await m.call('list_models', {});
    expect(r.data.models).toEqual(expect.arrayContaining([
      { id: 'fast', provider: 'openai', model: 'gpt-4.1-mini', input_usd_per_mtok: 0.4, output_usd_per_mtok: 1.6 },
      expect.objectContaining({ id: 'flash', provider: 'gemini', model: 'gemini-2.5-flash' }),
      expect.objectContaining({ id: 'openai,gpt-4.1', input_usd_per_mtok: 2, output_usd_per_mtok: 8 }),
    ]));
    await m.close();
  });
});

describe('threads', () => {
  it('survive a restart of the server (a real SQLite file) and carry the earlier turns', async () => {
    const first = await connect();
    const a = await first.call('ask', { prompt: 'Remember the word marmalade.' });
    const thread = a.data.thread as string;
    await first.close();

    const second = await connect();
    const b = await second.call('ask', { prompt: 'Which word?', thread });
    expect(b.isError, b.text).toBe(false);
    const messages = openai.requests.at(-1)!.json().messages as Array<{ role: string; content: unknown }>;
    const text = JSON.stringify(messages);
    expect(text).toContain('marmalade');
    expect(text).toContain('Hello from gpt-4.1.');
    expect(messages.filter((x) => x.role === 'user')).toHaveLength(2);
    await second.close();
  });

  it('are trimmed from the oldest turn to the context budget, and expire by age', async () => {
    const file = join(dir, 'trim.db');
    const m = await connect({ threadsFile: file, contextTokens: 256 + 50 });
    const first = await m.call('ask', { prompt: `old ${'filler '.repeat(30)}` });
    const thread = first.data.thread;
    const next = await m.call('ask', { prompt: 'new question', thread });
    expect(next.data.dropped_turns).toBe(2);
    expect(JSON.stringify(openai.requests.at(-1)!.json().messages)).not.toContain('filler');
    await m.close();

    const store = openThreadStore(file, { maxAgeMs: 60_000 });
    expect(store.turns(thread).length).toBeGreaterThan(0);
    expect(store.expire(Date.now() + 120_000)).toBe(1);
    expect(store.turns(thread)).toEqual([]);
    store.close();
  });
});

describe('consensus', () => {
  it('asks three models at the same time and synthesises their answers', async () => {
    // Each upstream holds its answer until all three requests have arrived: only concurrent calls finish.
    const { hold } = heldUntil(3);
    openai.queue(hold(openaiHello), hold(openaiHello));
    gemini.queue(hold(geminiHello));
    const m = await connect();
    const r = await m.call('consensus', { prompt: 'Ship on Friday?', models: [{ model: 'openai,gpt-4.1', stance: 'for' }, { model: 'fast', stance: 'against' }, { model: 'flash' }] });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.answers.map((x: any) => [x.model, x.stance, x.ok])).toEqual([['gpt-4.1', 'for', true], ['gpt-4.1-mini', 'against', true], ['gemini-2.5-flash', 'neutral', true]]);
    expect(r.data.synthesis).toMatchObject({ text: 'Hello from gpt-4.1.' });
    expect(JSON.stringify(openai.requests.at(-1)!.json())).toContain('Hello from gemini-2.5-flash.');
    expect(r.data.cost_usd).toBeGreaterThan(0);
    await m.close();
  });

  it('reports one failing provider beside the others\' answers', async () => {
    gemini.queue((_request, res) => geminiError(res, 400, 'API key not valid. Please pass a valid API key.', 'INVALID_ARGUMENT'));
    const m = await connect();
    const r = await m.call('consensus', { prompt: 'Ship?', models: [{ model: 'fast' }, { model: 'flash' }] });
    expect(r.isError, r.text).toBe(false);
    expect(r.data.answers[0]).toMatchObject({ ok: true, text: 'Hello from gpt-4.1-mini.' });
    expect(r.data.answers[1]).toMatchObject({ ok: false, model: 'flash' });
    expect(r.data.answers[1].error).toMatch(/gemini/);
    expect(r.data.synthesis).not.toBeNull();
    await m.close();
  });
});

describe('attribution and cancellation', () => {
  it('books the calls under the calling client in `patchbay cost --by client`', async () => {
    const rows = usage.query({ by: 'client' });
    expect(rows.find((row) => row.key === 'models-client')?.requests).toBeGreaterThanOrEqual(5);
    const cli = await runCli(['cost', '--by', 'client']);
    expect(cli.stdout).toMatch(/models-client\s+\d+/);
  });

  it('a cancelled call closes the upstream request', async () => {
    let seen!: () => void;
    const arrived = new Promise<void>((resolve) => { seen = resolve; });
    let closed: Promise<void> | undefined;
    openai.queue((request) => { closed = request.aborted; seen(); /* never answers */ });
    const m = await connect();
    const controller = new AbortController();
    const call = m.call('ask', { prompt: 'think for a long time' }, { signal: controller.signal }).catch((e: unknown) => e);
    await arrived;
    controller.abort();
    await call;
    await closed; // resolves only when the proxy closed the upstream connection
    await m.close();
  });
});

describe('in-process channel', () => {
  it('reaches the hub\'s proxy listener without any key in the server', async () => {
    const settings = parseProxySettings({ retry: FAST_RETRY, providers: [{ name: 'openai', kind: 'openai', baseUrl: openai.url, apiKeyEnv: 'K' }], router: { default: 'openai,gpt-4.1' } }, join(dir, 'c.json'), { K: 'sk-in-process' });
    const recorded: string[] = [];
    const proxy = createProxyServer({ settings, token: SHARED_TOKEN, usage: { record: (r) => { recorded.push(r.client ?? ''); } }, log: () => undefined });
    const channel = await openInProcessChannel({ listener: proxy.listener, token: SHARED_TOKEN, client: 'hub-models' });
    const m = await connect({ channel });
    const r = await m.call('ask', { prompt: 'hi' });
    expect(r.data).toMatchObject({ provider: 'openai', text: 'Hello from gpt-4.1.' });
    expect(recorded).toEqual(['hub-models']);
    await m.close();
    await proxy.close();
  });
});
