/**
 * The built-in servers as users run them: `patchbay server …` (the real CLI, dist/) as ordinary
 * stdio entries behind the real hub and gateway, called by SDK v2 clients over Streamable HTTP.
 * Reddit's rate budget lives in the one server process the hub runs, so two clients of the hub
 * share it; the API server gets its key from the entry's env.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATCHBAY_BIN } from '../helpers/cli.js';
import { startGateway, stdioServer, type Running } from '../gateway/helpers/harness.js';
import { startMockApi, spec, type MockApi } from './api/helpers.js';
import { startFakeReddit, type FakeReddit } from './reddit/fake-reddit.js';

const TOKEN = 'pb_builtins';
let running: Running;
let fake: FakeReddit;
let mock: MockApi;

beforeAll(async () => {
  fake = await startFakeReddit();
  mock = await startMockApi();
  running = await startGateway(
    [
      stdioServer('reddit', PATCHBAY_BIN, {}, ['server', 'reddit', '--base-url', fake.url, '--rate', '3', '--max-wait', '0', '--cache-ttl', '0', '--user-agent', 'test:hub:1.0']),
      stdioServer('petstore', PATCHBAY_BIN, { env: { PET_KEY: 'pet-key-5150' } }, ['server', 'api', '--spec', spec('3.0', 'petstore'), '--base-url', `${mock.url}/v3`, '--auth-env', 'api_key=PET_KEY']),
    ],
    { token: TOKEN },
  );
}, 60_000);
afterAll(async () => {
  await running?.close();
  await fake?.close();
  await mock?.close();
});

async function client(name: string): Promise<Client> {
  const c = new Client({ name, version: '1' });
  await c.connect(new StreamableHTTPClientTransport(new URL(running.url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
  return c;
}

const text = (r: unknown) => ((r as { content: Array<{ text?: string }> }).content ?? []).map((c) => c.text ?? '').join('');

describe('built-in servers behind the hub', () => {
  it('two clients of one hub share Reddit\'s rate budget', { timeout: 30_000 }, async () => {
    const a = await client('host-a');
    const b = await client('host-b');
    expect((await a.listTools()).tools.map((t) => t.name)).toEqual(expect.arrayContaining(['reddit__reddit_listing', 'reddit__reddit_post', 'reddit__reddit_search', 'reddit__reddit_subreddit']));
    for (const [c, sort] of [[a, 'hot'], [a, 'new'], [b, 'top']] as const) {
      const r = await c.callTool({ name: 'reddit__reddit_listing', arguments: { subreddit: 'typescript', sort } });
      expect(r.isError, text(r)).not.toBe(true);
    }
    // The budget of 3 a minute is spent: host B's next call is refused before anything is sent.
    const refused = await b.callTool({ name: 'reddit__reddit_listing', arguments: { subreddit: 'typescript', sort: 'rising' } });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/rate budget is used up; try again in \d+ s/);
    expect(fake.requests.map((r) => r.url.split('?')[0])).toEqual(['/r/typescript/hot.json', '/r/typescript/new.json', '/r/typescript/top.json']);
    expect(fake.requests.every((r) => r.userAgent === 'test:hub:1.0')).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });

  it('`patchbay server api` answers through the gateway with the key from its env', { timeout: 30_000 }, async () => {
    const c = await client('host-c');
    const result = await c.callTool({ name: 'petstore__get_pet_by_id', arguments: { path: { petId: 9 } } });
    expect(result.isError, text(result)).not.toBe(true);
    expect(mock.requests.at(-1)).toMatchObject({ url: '/v3/pet/9', headers: expect.objectContaining({ api_key: 'pet-key-5150' }) });
    const write = await c.callTool({ name: 'petstore__delete_pet', arguments: { path: { petId: 9 } } });
    expect(write.isError).toBe(true);
    expect(mock.requests).toHaveLength(1);
    await c.close();
  });
});
