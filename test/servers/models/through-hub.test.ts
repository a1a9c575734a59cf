/**
 * `patchbay server models` as the hub runs it: an ordinary stdio entry naming Patchbay's own bin
 * (`node bin/patchbay.js server models …`), which the hub runs inside its own process on its
 * own proxy (src/servers/in-process.ts). SDK v2 clients call it over Streamable HTTP with client
 * tokens from the real `patchbay clients add`; behind the proxy are the OpenAI-compatible and
 * Gemini fixture upstreams on 127.0.0.1; usage and threads go to real SQLite files.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileClientStore } from '../../../src/auth/client-store.js';
import { createProxyServer, type ProxyServer } from '../../../src/proxy/server/index.js';
import { defaultUsageDbPath, openUsageStore, type UsageStore } from '../../../src/store/usage-store.js';
import { answerHello as geminiHello, geminiError, startGeminiUpstream } from '../../fixtures/upstreams/gemini.js';
import { answerHello as openaiHello, startOpenAIUpstream } from '../../fixtures/upstreams/openai.js';
import type { FakeUpstream } from '../../fixtures/upstreams/server.js';
import { PATCHBAY_BIN, runCli } from '../../helpers/cli.js';
import { stdioServer, type Running } from '../../gateway/helpers/harness.js';
import { startInProcessHub } from '../in-process-hub.js';
import { heldUntil, modelsProxySettings } from './helpers.js';

const SHARED = 'pb_through_hub_shared_0123456789abcdefghijkl';
let dir: string;
let openai: FakeUpstream;
let gemini: FakeUpstream;
let usage: UsageStore;
let proxy: ProxyServer;
let running: Running;
const tokens: Record<string, string> = {};

async function addClient(name: string): Promise<string> {
  const added = await runCli(['clients', 'add', name, '--json']);
  expect(added.code, added.stderr).toBe(0);
  return (JSON.parse(added.stdout) as { token: string }).token;
}

const entry = () => stdioServer('models', PATCHBAY_BIN, {}, ['server', 'models', '--root', join(dir, 'work'), '--db', join(dir, 'threads.db'), '--max-tokens', '256']);

const startHub = (): Promise<Running> => startInProcessHub([entry()], proxy, SHARED, dir);

async function client(name: string): Promise<Client> {
  const c = new Client({ name, version: '1' });
  await c.connect(new StreamableHTTPClientTransport(new URL(running.url), { requestInit: { headers: { Authorization: `Bearer ${tokens[name]}` } } }));
  return c;
}

type Result = { isError?: boolean; content: Array<{ text?: string }>; structuredContent?: any };
const call = async (c: Client, name: string, args: Record<string, unknown>, options?: Parameters<Client['callTool']>[1]) =>
  (await c.callTool({ name: `models__${name}`, arguments: args }, options)) as Result;
const text = (r: Result) => r.content.map((x) => x.text ?? '').join('');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'patchbay-models-hub-'));
  mkdirSync(join(dir, 'work'));
  writeFileSync(join(dir, 'work', 'notes.md'), 'The launch is on Tuesday.');
  openai = await startOpenAIUpstream();
  gemini = await startGeminiUpstream();
  usage = openUsageStore(defaultUsageDbPath());
  const settings = modelsProxySettings(dir, openai, gemini);
  const clients = createFileClientStore().resolver({ recheckMs: 0 });
  proxy = createProxyServer({ settings, token: SHARED, clients, usage, log: () => undefined });
  tokens['host-a'] = await addClient('host-a');
  tokens['host-b'] = await addClient('host-b');
  running = await startHub();
}, 60_000);
afterAll(async () => {
  await running?.close();
  await proxy?.close();
  await usage?.close();
  await openai?.close();
  await gemini?.close();
});

describe('the models server in the hub\'s process', () => {
  it('runs in-process: no child, no token in its entry, its tools in the catalog', async () => {
    const status = running.hub.status().find((s) => s.name === 'models')!;
    expect(status).toMatchObject({ state: 'ready', transport: 'in-process', toolCount: 3 });
    expect(status.pid).toBeUndefined();
    const c = await client('host-a');
    expect((await c.listTools()).tools.map((t) => t.name).sort()).toEqual(['models__ask', 'models__consensus', 'models__list_models']);
    await c.close();
  });

  it('`ask` answers through the hub\'s proxy and books the usage under the calling client', async () => {
    const a = await client('host-a');
    const r = await call(a, 'ask', { prompt: 'What is in the notes?', files: ['notes.md'] });
    expect(r.isError, text(r)).not.toBe(true);
    expect(r.structuredContent).toMatchObject({ provider: 'openai', model: 'gpt-4.1', text: 'Hello from gpt-4.1.', input_tokens: 12, output_tokens: 5 });
    expect(openai.requests.at(-1)!.headers.authorization).toBe('Bearer sk-models-openai');
    expect(JSON.stringify(openai.requests.at(-1)!.json())).toContain('The launch is on Tuesday.');

    // A client cannot pass itself off as another by putting the hub's caller key in `_meta`.
    const b = await client('host-b');
    const forged = await b.callTool({ name: 'models__ask', arguments: { prompt: 'hi', model: 'flash' }, _meta: { 'dev.patchbay/client': 'host-a' } }) as Result;
    expect(forged.isError, text(forged)).not.toBe(true);

    const rows = usage.query({ by: 'client' });
    expect(rows.find((row) => row.key === 'host-a')?.requests).toBe(1);
    expect(rows.find((row) => row.key === 'host-b')?.requests).toBe(1);
    expect(rows.find((row) => row.key === 'models')).toBeUndefined();
    const cli = await runCli(['cost', '--by', 'client']);
    expect(cli.stdout).toMatch(/^host-a\s+1\s/m);
    expect(cli.stdout).toMatch(/^host-b\s+1\s/m);
    await Promise.all([a.close(), b.close()]);
  });

  it('`consensus` asks three models at once: every upstream sees all three requests open before any answers', async () => {
    const { hold, open } = heldUntil(3);
    openai.queue(hold(openaiHello), hold(openaiHello));
    gemini.queue(hold(geminiHello));
    const a = await client('host-a');
    const r = await call(a, 'consensus', { prompt: 'Ship on Friday?', models: [{ model: 'openai,gpt-4.1', stance: 'for' }, { model: 'fast', stance: 'against' }, { model: 'flash' }] });
    expect(r.isError, text(r)).not.toBe(true);
    expect(open()).toBe(3);
    expect(r.structuredContent.answers.map((x: any) => [x.model, x.stance, x.ok])).toEqual([['gpt-4.1', 'for', true], ['gpt-4.1-mini', 'against', true], ['gemini-2.5-flash', 'neutral', true]]);
    expect(r.structuredContent.synthesis).toMatchObject({ model: 'gpt-4.1' });
    await a.close();
  });

  it('a provider failing one consensus member is reported beside the others\' answers', async () => {
    gemini.queue((_request, res) => geminiError(res, 400, 'API key not valid. Please pass a valid API key.', 'INVALID_ARGUMENT'));
    const a = await client('host-a');
    const r = await call(a, 'consensus', { prompt: 'Ship?', models: [{ model: 'fast' }, { model: 'flash' }, { model: 'openai,gpt-4.1' }] });
    expect(r.isError, text(r)).not.toBe(true);
    const [fast, flash, big] = r.structuredContent.answers;
    expect(fast).toMatchObject({ ok: true, text: 'Hello from gpt-4.1-mini.' });
    expect(flash).toMatchObject({ ok: false, model: 'flash' });
    expect(flash.error).toMatch(/API key not valid/);
    expect(flash.error).not.toContain('gm-models-gemini');
    expect(big).toMatchObject({ ok: true, text: 'Hello from gpt-4.1.' });
    expect(r.structuredContent.synthesis).not.toBeNull();
    expect(text(r)).toContain('failed:');
    await a.close();
  });

  it('cancelling the call at the client closes the provider request', async () => {
    let seen!: () => void;
    const arrived = new Promise<void>((resolve) => { seen = resolve; });
    let closed: Promise<void> | undefined;
    openai.queue((request) => { closed = request.aborted; seen(); /* never answers */ });
    const a = await client('host-a');
    const controller = new AbortController();
    const pending = call(a, 'ask', { prompt: 'think for a long time' }, { signal: controller.signal }).catch((e: unknown) => e);
    await arrived;
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    await closed; // resolves only once the proxy closed the upstream connection
    await a.close();
  });

  it('a thread survives a restart of the hub, and only its own client can continue it', async () => {
    const a = await client('host-a');
    const first = await call(a, 'ask', { prompt: 'Remember the word marmalade.' });
    const thread = first.structuredContent.thread as string;
    await a.close();
    await running.close();

    running = await startHub();
    const again = await client('host-a');
    const next = await call(again, 'ask', { prompt: 'Which word?', thread });
    expect(next.isError, text(next)).not.toBe(true);
    const messages = openai.requests.at(-1)!.json().messages as Array<{ role: string }>;
    expect(JSON.stringify(messages)).toContain('marmalade');
    expect(messages.filter((m) => m.role === 'user')).toHaveLength(2);

    const other = await client('host-b');
    await call(other, 'ask', { prompt: 'Which word?', thread });
    expect(JSON.stringify(openai.requests.at(-1)!.json().messages)).not.toContain('marmalade');
    await Promise.all([again.close(), other.close()]);
  });
});
