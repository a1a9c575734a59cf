/**
 * An upstream that dies halfway through a whole (non-streamed) answer: the client gets a 502 that
 * says so, promptly, whether the socket was reset or just closed, and the proxy keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIError } from '@anthropic-ai/sdk';
import { loadProxySettings } from '../../../src/proxy/config/load.js';
import { startOpenAIUpstream } from '../../fixtures/upstreams/openai.js';
import { resetConnection, type FakeUpstream } from '../../fixtures/upstreams/server.js';
import { FAST_RETRY, startHarnessWith, type ProxyHarness } from './harness.js';

let upstream: FakeUpstream;
let h: ProxyHarness;

beforeAll(async () => {
  upstream = await startOpenAIUpstream();
  const settings = await loadProxySettings({ file: '/nonexistent/config.json', env: { PREFERRED_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: upstream.url, BIG_MODEL: 'gpt-4.1' } });
  settings.retry = FAST_RETRY;
  h = await startHarnessWith(settings);
});
afterAll(async () => {
  await h?.close();
  await upstream?.close();
});

const ask = () => h.client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });

describe('a whole answer cut off by the upstream', () => {
  for (const how of ['reset', 'closed'] as const) {
    it(`answers 502 naming the cut when the socket is ${how} mid-body`, async () => {
      upstream.queue(async (_request, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' });
        res.write('{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hel');
        await new Promise((r) => setTimeout(r, 30));
        if (how === 'reset') resetConnection(res);
        else res.socket?.destroy();
      });
      const error = await ask().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).status).toBe(502);
      expect((error as APIError).message).toMatch(/connection broke off while sending its answer/);
      // The proxy is still there for the next request.
      const next = await ask();
      expect(next.content[0]).toMatchObject({ type: 'text' });
    });
  }
});
