/**
 * Requests the Anthropic API refuses, sent with the official @anthropic-ai/sdk client (its
 * default of two retries left on) through the real proxy to each kind of provider: every one
 * must come back as one 400 invalid_request_error with Anthropic's words, the SDK must not
 * retry it, and no provider may see it. Before the edge check, malformed bodies were 500s with
 * "message.content.forEach is not a function" (retried three times) and the others went upstream.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnthropicUpstream } from '../../fixtures/upstreams/anthropic.js';
import { startGeminiUpstream } from '../../fixtures/upstreams/gemini.js';
import { startOpenAIUpstream } from '../../fixtures/upstreams/openai.js';
import type { FakeUpstream } from '../../fixtures/upstreams/server.js';
import { TOKEN, startHarness, type ProxyHarness } from '../e2e/harness.js';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const MODELS = { openai: 'via-openai', gemini: 'via-gemini', anthropic: 'via-anthropic' } as const;

let upstreams: Record<keyof typeof MODELS, FakeUpstream>;
let h: ProxyHarness;
let client: Anthropic;
let calls = 0;

beforeAll(async () => {
  upstreams = { openai: await startOpenAIUpstream(), gemini: await startGeminiUpstream(), anthropic: await startAnthropicUpstream() };
  h = await startHarness({
    providers: [
      { name: 'o', kind: 'openai', baseUrl: upstreams.openai.url, apiKeyEnv: 'K' },
      { name: 'g', kind: 'gemini', baseUrl: upstreams.gemini.url, apiKeyEnv: 'K' },
      { name: 'a', kind: 'anthropic', baseUrl: upstreams.anthropic.url, apiKeyEnv: 'K' },
    ],
    router: { default: 'o,gpt-4.1' },
    aliases: { 'via-openai': 'o,gpt-4.1', 'via-gemini': 'g,gemini-2.5-flash', 'via-anthropic': 'a,claude-sonnet-4-6' },
  }, { K: 'sk-provider' });
  // The SDK's default client: maxRetries 2, so a retried answer would show as three calls.
  client = new Anthropic({ baseURL: h.proxy.url, apiKey: TOKEN, fetch: (input, init) => { calls++; return fetch(input, init); } });
});
afterAll(async () => {
  await h?.close();
  for (const upstream of Object.values(upstreams ?? {})) await upstream.close();
});

const hi = [{ role: 'user', content: 'hi' }];
const cases: Array<[string, Record<string, unknown>, string]> = [
  ['content: 5', { messages: [{ role: 'user', content: 5 }] }, 'messages.0.content: Input should be a valid list'],
  ['system: {}', { system: {} }, 'system: Input should be a valid list'],
  ['tools: "x"', { tools: 'x' }, 'tools: Input should be a valid list'],
  ['a tool without a name', { tools: [{ description: 'reads a file', input_schema: { type: 'object' } }] }, 'tools.0.custom.name: Field required'],
  ['an image without a source', { messages: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'what is it?' }] }] }, 'messages.0.content.0.image.source: Field required'],
  ['an unknown role', { messages: [{ role: 'bot', content: 'hi' }] }, "messages.0.role: Input should be 'user', 'assistant' or 'system'"],
  ['max_tokens: -1', { max_tokens: -1 }, 'max_tokens: Input should be greater than or equal to 1'],
  ['no max_tokens', { max_tokens: undefined }, 'max_tokens: Field required'],
  ['empty messages', { messages: [] }, 'messages: at least one message is required'],
  ['invalid base64 in an image', { messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'not*base64' } }] }] }, 'messages.0.content.0.image.source.base64: invalid base64 data'],
  ['a text/html image', { messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'text/html', data: PNG } }] }] }, "messages.0.content.0.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'"],
  ['duplicate tool names', { tools: [{ name: 'Read', input_schema: { type: 'object' } }, { name: 'Read', input_schema: { type: 'object' } }] }, 'tools: Tool names must be unique.'],
  ['a tool_result with no matching tool_use', {
    messages: [{ role: 'user', content: 'read a' }, { role: 'assistant', content: 'ok' }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01X', content: 'file a' }] }],
  }, 'messages.2.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_01X. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.'],
  ['a tool_use never answered', {
    messages: [{ role: 'user', content: 'read a' }, { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01Y', name: 'Read', input: {} }] }, { role: 'user', content: 'never mind' }],
  }, 'messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_01Y. Each `tool_use` block must have a corresponding `tool_result` block in the next message.'],
  ['a thinking budget below 1024', { thinking: { type: 'enabled', budget_tokens: 100 } }, 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024'],
];

async function refusal(request: Promise<unknown>): Promise<{ status: number; type: string; message: string }> {
  const error = await request.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(Anthropic.BadRequestError);
  const { status, error: body } = error as { status: number; error: { type: string; error: { type: string; message: string } } };
  expect(body.type).toBe('error');
  return { status, type: body.error.type, message: body.error.message };
}

describe.each(Object.entries(MODELS))('with an %s provider behind', (kind, model) => {
  it.each(cases)('refuses %s with one 400 the SDK does not retry, and sends nothing upstream', async (_name, patch, message) => {
    const upstream = upstreams[kind as keyof typeof MODELS];
    const before = upstream.requests.length;
    calls = 0;
    const body = { model, max_tokens: 1024, messages: hi, ...patch };
    expect(await refusal(client.messages.create(body as never))).toEqual({ status: 400, type: 'invalid_request_error', message });
    expect(calls).toBe(1);
    expect(upstream.requests.length).toBe(before);
  });

  it('refuses a streamed request the same way, before any event', async () => {
    calls = 0;
    const stream = client.messages.stream({ model, max_tokens: 1024, messages: [{ role: 'user', content: 5 }] } as never);
    expect(await refusal(stream.finalMessage())).toMatchObject({ status: 400, message: 'messages.0.content: Input should be a valid list' });
    expect(calls).toBe(1);
  });

  it('checks count_tokens too, and still answers a valid request (the check refuses only what it should)', async () => {
    expect(await refusal(client.messages.countTokens({ model, messages: [{ role: 'user', content: [{ type: 'image' }] }] } as never)))
      .toMatchObject({ status: 400, message: 'messages.0.content.0.image.source: Field required' });
    const upstream = upstreams[kind as keyof typeof MODELS];
    const before = upstream.requests.length;
    const message = await client.messages.create({
      model, max_tokens: 1024,
      tools: [{ name: 'Read', input_schema: { type: 'object' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'what is in a.png?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01Z', name: 'Read', input: { path: 'a.png' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01Z', content: 'a cat' }] },
      ],
    });
    expect(message.type).toBe('message');
    expect(upstream.requests.length).toBe(before + 1);
  });
});

describe('any malformed value, anywhere', () => {
  // Every field the proxy or a translation reads, and the block shapes, given each wrong kind
  // of JSON value: none may come back as a 5xx or with JavaScript's own words in it.
  const values: unknown[] = [null, 5, 'x', true, {}, [], [null], [5], [{}], [{ type: 5 }], { type: 'x' }, { type: 'enabled' }, { format: null }];
  const fields = ['system', 'tools', 'tool_choice', 'stop_sequences', 'temperature', 'top_p', 'top_k', 'metadata', 'thinking', 'output_config', 'stream', 'model', 'max_tokens'];
  const patches: Array<Record<string, unknown>> = [
    ...fields.flatMap((field) => values.map((value) => ({ [field]: value }))),
    ...values.map((value) => ({ messages: [{ role: 'user', content: [value] }] })),
    ...values.map((value) => ({ messages: [{ role: 'system', content: value }, { role: 'user', content: 'x' }] })),
    ...values.map((value) => ({ messages: [{ role: 'user', content: [{ type: 'document', source: value }] }] })),
    ...values.map((value) => ({ messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'n', input: {} }] }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: value }] }] })),
    ...values.map((value) => ({ tools: [{ name: 'n', input_schema: { type: 'object', properties: value } }] })),
  ];

  it.each(Object.values(MODELS))('gets a 4xx in Anthropic\'s shape through %s', async (model) => {
    const failures: string[] = [];
    for (const patch of patches) {
      const response = await fetch(`${h.proxy.url}/v1/messages`, {
        method: 'POST', headers: { 'x-api-key': TOKEN, 'content-type': 'application/json' },
        body: JSON.stringify({ model, max_tokens: 1024, messages: hi, ...patch }),
      });
      const text = await response.text();
      if (response.status >= 500 || /is not a function|Cannot read properties|is not iterable/.test(text)) failures.push(`${JSON.stringify(patch)} → ${response.status} ${text.slice(0, 160)}`);
    }
    expect(failures).toEqual([]);
  });
});
