/**
 * The Gemini adapter inside Patchbay's real proxy, between the official @anthropic-ai/sdk and a
 * Gemini server on 127.0.0.1 that is strict the way Gemini 3 is: it answers 400 INVALID_ARGUMENT
 * when roles do not alternate, a text part is empty, a function response names no preceding call,
 * responses and calls differ in number, or the first functionCall of a model turn comes back without the signature it was issued with.
 * A whole tool loop runs through it, as Claude Code would drive it.
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProxySettings } from '../../../src/proxy/config/load.js';
import { DUMMY_THOUGHT_SIGNATURE } from '../../../src/proxy/gemini/signature.js';
import { geminiChunk, geminiError, parseGeminiUrl, writeGeminiStream } from '../../fixtures/upstreams/gemini.js';
import { sendJsonBody, startUpstream, type FakeUpstream, type RecordedRequest } from '../../fixtures/upstreams/server.js';
import { FAST_RETRY, TOKEN, startHarnessWith, type ProxyHarness } from '../e2e/harness.js';

const GEMINI_KEY = 'AIzaSyE2E-upstream-secret-000000000000';
const MODEL = 'gemini-3-pro-preview';
const ISSUED = new Set<string>([DUMMY_THOUGHT_SIGNATURE]);
const SIG = 'CiQB0e2Kb3dR7x1m+Jb8h2sS6gq5mW3H0rVQ8n2f1Y0tq9c=';
ISSUED.add(SIG);

interface Part { text?: string; thoughtSignature?: string; functionCall?: { name: string }; functionResponse?: { name: string } }
interface Content { role: string; parts: Part[] }

/** Gemini 3's request checks, as a list of problems (empty when the request is acceptable). */
function problems(request: RecordedRequest): string[] {
  const out: string[] = [];
  if (request.headers['x-goog-api-key'] !== GEMINI_KEY) out.push('missing x-goog-api-key');
  if (request.url.includes(GEMINI_KEY)) out.push('key in the URL');
  const contents = (request.json() as { contents: Content[] }).contents;
  contents.forEach((content, i) => {
    if (i > 0 && contents[i - 1]!.role === content.role) out.push(`contents[${i}]: role ${content.role} repeats`);
    content.parts.forEach((p, j) => { if (p.text === '') out.push(`contents[${i}].parts[${j}]: empty text`); });
    const calls = content.parts.filter((p) => p.functionCall);
    if (calls.length > 0 && !(calls[0]!.thoughtSignature && ISSUED.has(calls[0]!.thoughtSignature))) {
      out.push(`contents[${i}]: function call is missing a thought_signature`);
    }
    const previousCalls = new Set((contents[i - 1]?.parts ?? []).map((p) => p.functionCall?.name));
    const callCount = (contents[i - 1]?.parts ?? []).filter((p) => p.functionCall).length;
    const responseCount = content.parts.filter((p) => p.functionResponse).length;
    if (content.role === 'user' && callCount > 0 && responseCount !== callCount) {
      out.push(`contents[${i}]: ${responseCount} function responses for ${callCount} function calls`);
    }
    for (const p of content.parts) if (p.functionResponse && !previousCalls.has(p.functionResponse.name)) out.push(`contents[${i}]: response for ${p.functionResponse.name} answers no call`);
  });
  return out;
}

async function strictGemini(request: RecordedRequest, res: ServerResponse): Promise<void> {
  const found = problems(request);
  if (found.length > 0) { geminiError(res, 400, found.join('; '), 'INVALID_ARGUMENT'); return; }
  const contents = (request.json() as { contents: Content[] }).contents;
  const last = contents[contents.length - 1]!;
  if (last.parts.some((p) => p.functionResponse)) {
    const answer = geminiChunk(MODEL, [{ text: 'Paris is sunny; a.txt says hi.' }], { prompt: 200, candidates: 9 }, 'STOP');
    if (parseGeminiUrl(request.url).stream) await writeGeminiStream(res, [answer]);
    else sendJsonBody(res, 200, answer);
    return;
  }
  await writeGeminiStream(res, [
    geminiChunk(MODEL, [{ text: 'I should check the weather and read the file.', thought: true }], { prompt: 150, candidates: 0, thoughts: 11 }),
    geminiChunk(MODEL, [
      { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: SIG },
      { functionCall: { name: 'Read', args: { file_path: '/tmp/a.txt' } } },
    ], { prompt: 150, candidates: 24, thoughts: 11 }, 'STOP'),
  ]);
}

let upstream: FakeUpstream;
let h: ProxyHarness;
beforeAll(async () => {
  upstream = await startUpstream(strictGemini, '/v1beta');
  const settings = await loadProxySettings({
    file: '/nonexistent/config.json',
    env: { PREFERRED_PROVIDER: 'gemini', GEMINI_API_KEY: GEMINI_KEY, GEMINI_BASE_URL: upstream.url, BIG_MODEL: MODEL, SMALL_MODEL: 'gemini-2.5-flash' },
  });
  settings.retry = FAST_RETRY;
  h = await startHarnessWith(settings);
});
afterAll(async () => {
  await h?.close();
  await upstream?.close();
});

const tools: Anthropic.Tool[] = [
  { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  { name: 'Read', description: 'Read a file', input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'], additionalProperties: false } },
];

describe('Gemini behind the proxy, driven by the official SDK', () => {
  it('runs a streamed tool turn and its follow-up, and Gemini accepts the signature that came back', async () => {
    const question: Anthropic.MessageParam = { role: 'user', content: 'Weather in Paris? And read /tmp/a.txt.' };
    const first = await h.client.messages.stream({ model: 'claude-opus-4-8', max_tokens: 4000, tools, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: [question] }).finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content.map((b) => b.type)).toEqual(['thinking', 'tool_use', 'tool_use']);
    expect((first.content[0] as Anthropic.ThinkingBlock).thinking).toBe('I should check the weather and read the file.');
    expect(first.usage).toMatchObject({ input_tokens: 150, output_tokens: 35 });
    const sentFirst = upstream.requests.at(-1)!;
    expect(sentFirst.url).toBe(`/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`);
    expect(sentFirst.json().generationConfig.thinkingConfig).toEqual({ includeThoughts: true, thinkingBudget: 2048 });
    expect(JSON.stringify(sentFirst.headers)).not.toContain(TOKEN);

    const calls = first.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    const second = await h.client.messages.create({
      model: 'claude-opus-4-8', max_tokens: 4000, tools,
      messages: [question, { role: 'assistant', content: first.content }, {
        role: 'user',
        content: calls.map((c) => ({ type: 'tool_result' as const, tool_use_id: c.id, content: c.name === 'Read' ? 'hi' : 'sunny' })),
      }],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'Paris is sunny; a.txt says hi.' }]);
    const modelTurn = upstream.requests.at(-1)!.json().contents[1];
    expect(modelTurn.parts[0].thoughtSignature).toBe(SIG);
  });

  it("accepts Claude Code's real tool turn, whose call Gemini never signed, with the dummy signature", async () => {
    const request = JSON.parse(readFileSync(new URL('../openai/fixtures/claude-code-request-turn2.json', import.meta.url), 'utf8'));
    const message = await h.client.messages.stream(request).finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'Paris is sunny; a.txt says hi.' }]);
    const sent = upstream.requests.at(-1)!.json();
    expect(sent.contents[1].parts[0].thoughtSignature).toBe(DUMMY_THOUGHT_SIGNATURE);
    expect(sent.generationConfig.thinkingConfig).toEqual({ includeThoughts: true, thinkingLevel: 'high' });
  });

  it('shows a Gemini rejection as an Anthropic 400 with the reason', async () => {
    upstream.queue((_r, res) => geminiError(res, 400, 'Function call is missing a thought_signature in functionCall parts.', 'INVALID_ARGUMENT'));
    const error = await h.client.messages.create({ model: 'claude-opus-4-8', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as Error).message).toContain('missing a thought_signature');
    expect((error as Error).message).not.toContain(GEMINI_KEY);
  });

  it('ends a stream with an error event the SDK raises when Gemini fails mid-stream', async () => {
    upstream.queue((_r, res) => writeGeminiStream(res, [
      geminiChunk(MODEL, [{ text: 'Start' }], { prompt: 5, candidates: 1 }),
      { error: { code: 500, message: 'An internal error has occurred.', status: 'INTERNAL' } },
    ]));
    const error = await h.client.messages.stream({ model: 'claude-opus-4-8', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(String((error as Error).message)).toContain('An internal error has occurred.');
  });
});
