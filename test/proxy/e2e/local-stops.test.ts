/**
 * More stop sequences than the provider takes (OpenAI 4, Gemini 5): the official SDK sees the
 * answer end at the first one the provider was not given, as it would from Anthropic, and the
 * upstream generation is cancelled rather than read to its end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProxySettings } from '../../../src/proxy/config/load.js';
import { OpenAIStream, chatCompletion } from '../../fixtures/upstreams/openai.js';
import { startOpenAIUpstream } from '../../fixtures/upstreams/openai.js';
import { geminiChunk, startGeminiUpstream, writeGeminiStream } from '../../fixtures/upstreams/gemini.js';
import { sendJsonBody, type FakeUpstream } from '../../fixtures/upstreams/server.js';
import { FAST_RETRY, startHarnessWith, type ProxyHarness } from './harness.js';

const SIX = ['<1>', '<2>', '<3>', '<4>', '<5>', 'STOP'];
const hi = [{ role: 'user' as const, content: 'count' }];

async function harness(env: Record<string, string>): Promise<ProxyHarness> {
  const settings = await loadProxySettings({ file: '/nonexistent/config.json', env });
  settings.retry = FAST_RETRY;
  return startHarnessWith(settings);
}

describe('stop sequences past the provider limit, end to end', () => {
  let openai: FakeUpstream;
  let gemini: FakeUpstream;
  let viaOpenAI: ProxyHarness;
  let viaGemini: ProxyHarness;
  beforeAll(async () => {
    openai = await startOpenAIUpstream();
    gemini = await startGeminiUpstream();
    viaOpenAI = await harness({ PREFERRED_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.url, BIG_MODEL: 'gpt-4.1' });
    viaGemini = await harness({ PREFERRED_PROVIDER: 'google', GEMINI_API_KEY: 'AIza-test', GEMINI_BASE_URL: gemini.url, BIG_MODEL: 'gemini-2.5-pro' });
  });
  afterAll(async () => {
    await viaOpenAI?.close();
    await viaGemini?.close();
    await openai?.close();
    await gemini?.close();
  });

  it('ends an OpenAI stream at the 6th stop sequence and cancels the still-running upstream', async () => {
    openai.queue(async (_request, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const line of new OpenAIStream('gpt-4.1').text('One, two, ST', 'OP three', ' four').lines().slice(0, -1)) res.write(line);
      // A model still writing: no finish_reason, no [DONE], until the proxy hangs up.
    });
    const message = await viaOpenAI.client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 100, stop_sequences: SIX, messages: hi }).finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'One, two, ' }]);
    expect(message.stop_reason).toBe('stop_sequence');
    expect(message.stop_sequence).toBe('STOP');
    expect(openai.requests.at(-1)!.json().stop).toEqual(SIX.slice(0, 4));
    await openai.requests.at(-1)!.aborted; // resolves only if the proxy closed the upstream request
  });

  it('cuts a whole OpenAI answer at the first stop sequence it was not given', async () => {
    openai.queue((_request, res) => sendJsonBody(res, 200, chatCompletion('gpt-4.1', { content: 'One <5> two STOP three' }, 'stop', { prompt_tokens: 5, completion_tokens: 7 })));
    const message = await viaOpenAI.client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 100, stop_sequences: SIX, messages: hi });
    expect(message.content).toEqual([{ type: 'text', text: 'One ' }]);
    expect(message).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: '<5>', usage: { output_tokens: 7 } });
  });

  it('gives Gemini five and watches for the sixth, streamed and whole', async () => {
    gemini.queue(async (_request, res) => {
      await writeGeminiStream(res, [
        geminiChunk('gemini-2.5-pro', [{ text: 'Red, green, S' }], { prompt: 4, candidates: 3 }),
        geminiChunk('gemini-2.5-pro', [{ text: 'TOP blue' }], { prompt: 4, candidates: 5 }, 'STOP'),
      ]);
    });
    const streamed = await viaGemini.client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 100, stop_sequences: SIX, messages: hi }).finalMessage();
    expect(streamed.content).toEqual([{ type: 'text', text: 'Red, green, ' }]);
    expect(streamed).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'STOP' });
    expect(gemini.requests.at(-1)!.json().generationConfig.stopSequences).toEqual(SIX.slice(0, 5));

    gemini.queue((_request, res) => sendJsonBody(res, 200, geminiChunk('gemini-2.5-pro', [{ text: 'Red STOP green' }], { prompt: 4, candidates: 3 }, 'STOP')));
    const whole = await viaGemini.client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 100, stop_sequences: SIX, messages: hi });
    expect(whole.content).toEqual([{ type: 'text', text: 'Red ' }]);
    expect(whole).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'STOP' });
  });
});
