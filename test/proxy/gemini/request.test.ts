import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MessagesRequest } from '../../../src/proxy/anthropic-types.js';
import { geminiAdapter } from '../../../src/proxy/gemini/index.js';
import { DUMMY_THOUGHT_SIGNATURE } from '../../../src/proxy/gemini/signature.js';
import type { GeminiContent, GeminiRequest } from '../../../src/proxy/gemini/types.js';
import type { UpstreamTarget } from '../../../src/proxy/provider.js';
import { shortenToolName } from '../../../src/proxy/tool-names.js';
import { context } from './fixtures.js';

const KEY = 'AIzaSyTEST-not-a-real-key-0123456789abc';
const target = (model = 'gemini-2.5-pro'): UpstreamTarget => ({
  provider: { name: 'google', kind: 'gemini', baseUrl: 'https://generativelanguage.googleapis.com/v1beta/', apiKey: KEY, headers: { 'x-extra': '1' } },
  model,
});

function build(request: MessagesRequest, model?: string, toolNames?: string[]): GeminiRequest {
  const names = toolNames ?? [...(request.tools ?? []).map((t) => t.name)];
  const spec = geminiAdapter.buildRequest(request, target(model), context(names));
  return JSON.parse(spec.body!) as GeminiRequest;
}

function referenceRequest(name: 'turn1' | 'turn2'): MessagesRequest {
  return JSON.parse(readFileSync(new URL(`../openai/fixtures/claude-code-request-${name}.json`, import.meta.url), 'utf8')) as MessagesRequest;
}

/** Gemini's structural rules, checked on every translated request. */
function assertWellFormed(body: GeminiRequest): void {
  body.contents.forEach((content: GeminiContent, i) => {
    expect(['user', 'model']).toContain(content.role);
    if (i > 0) expect(content.role, `contents[${i}] repeats the role of the turn before`).not.toBe(body.contents[i - 1]!.role);
    expect(content.parts.length).toBeGreaterThan(0);
    for (const part of content.parts) if ('text' in part) expect(part.text!.length).toBeGreaterThan(0);
  });
  const text = JSON.stringify(body);
  for (const dropped of ['cache_control', 'context_management', 'metadata', 'output_config', 'user_id', 'input_schema', '$schema', 'additionalProperties']) {
    expect(text).not.toContain(dropped);
  }
}

describe('Anthropic request → Gemini request', () => {
  it('targets generateContent, or streamGenerateContent with alt=sse, and sends the key only in a header', () => {
    const request: MessagesRequest = { model: 'claude', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
    const plain = geminiAdapter.buildRequest(request, target('models/gemini-2.5-flash'), context());
    expect(plain.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent');
    expect(plain.method).toBe('POST');
    expect(plain.headers).toMatchObject({ 'content-type': 'application/json', 'x-goog-api-key': KEY, 'x-extra': '1' });
    const streamed = geminiAdapter.buildRequest({ ...request, stream: true }, target(), context());
    expect(streamed.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
    expect(streamed.url).not.toContain(KEY);
    expect(streamed.body).not.toContain(KEY);
  });

  it("translates Claude Code's first turn: system, mid-conversation system, tools, thinking", () => {
    const body = build(referenceRequest('turn1'));
    assertWellFormed(body);
    // Everything but Claude Code's billing header line, which is not an instruction.
    const system = (referenceRequest('turn1').system as Array<{ text: string }>).map((b) => b.text);
    expect(system[0]).toMatch(/^x-anthropic-billing-header:/);
    expect(body.systemInstruction!.parts.map((p) => p.text)).toEqual(system.slice(1));
    // user + system message fold into one user turn, the system text marked as such, in place.
    expect(body.contents).toHaveLength(1);
    const parts = body.contents[0]!.parts;
    expect(parts[parts.length - 1]!.text).toMatch(/^System note:\nAvailable agent types/);
    expect(body.tools![0]!.functionDeclarations.map((d) => d.name)).toEqual(['Bash', 'Read', 'mcp__echo__echo_env']);
    expect(body.generationConfig).toMatchObject({ maxOutputTokens: 64000, thinkingConfig: { includeThoughts: true, thinkingBudget: -1 } });
  });

  it("translates Claude Code's tool turn: call with the dummy signature, response named after the call", () => {
    const body = build(referenceRequest('turn2'));
    assertWellFormed(body);
    expect(body.contents.map((c) => c.role)).toEqual(['user', 'model', 'user']);
    expect(body.contents[1]!.parts).toEqual([
      { functionCall: { name: 'mcp__echo__echo_env', args: { prefix: 'FOO' } }, thoughtSignature: DUMMY_THOUGHT_SIGNATURE },
    ]);
    expect(body.contents[2]!.parts).toEqual([
      { functionResponse: { name: 'mcp__echo__echo_env', response: { output: '{"argv":["cli-config"],"env":{"MYVAR":"viacli","FOO":"viacli"}}' } } },
    ]);
  });

  it('uses thinkingLevel instead of a budget for Gemini 3 when the client states an effort', () => {
    expect(build(referenceRequest('turn1'), 'gemini-3-pro-preview').generationConfig!.thinkingConfig).toEqual({ includeThoughts: true, thinkingLevel: 'high' });
  });

  it('maps thinking budgets, capped to what the model accepts, and turns thinking off where the model can', () => {
    const base: MessagesRequest = { model: 'c', max_tokens: 40000, messages: [{ role: 'user', content: 'x' }] };
    expect(build({ ...base, thinking: { type: 'enabled', budget_tokens: 2048 } }).generationConfig!.thinkingConfig).toEqual({ includeThoughts: true, thinkingBudget: 2048 });
    expect(build({ ...base, thinking: { type: 'enabled', budget_tokens: 31999 } }, 'gemini-2.5-flash').generationConfig!.thinkingConfig!.thinkingBudget).toBe(24576);
    expect(build({ ...base, thinking: { type: 'disabled' } }).generationConfig!.thinkingConfig).toBeUndefined();
    expect(build(base).generationConfig!.thinkingConfig).toBeUndefined();
    expect(build(base, 'gemini-2.5-flash').generationConfig!.thinkingConfig).toEqual({ thinkingBudget: 0 });
    expect(build({ ...base, thinking: { type: 'disabled' } }, 'gemini-2.5-flash-lite').generationConfig!.thinkingConfig).toEqual({ thinkingBudget: 0 });
    expect(build(base, 'gemini-2.0-flash').generationConfig!.thinkingConfig).toBeUndefined();
  });

  it('maps sampling, stop sequences (at most 5) and JSON output format', () => {
    const body = build({
      model: 'c', max_tokens: 100, temperature: 0.3, top_p: 0.9, top_k: 40,
      stop_sequences: ['a', 'b', 'c', 'd', 'e', 'f'],
      output_config: { format: { type: 'json_schema', schema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'], additionalProperties: false } } },
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(body.generationConfig).toEqual({
      maxOutputTokens: 100, temperature: 0.3, topP: 0.9, topK: 40, stopSequences: ['a', 'b', 'c', 'd', 'e'],
      responseMimeType: 'application/json',
      responseSchema: { type: 'OBJECT', properties: { n: { type: 'INTEGER' } }, required: ['n'] },
    });
  });

  it('maps tool_choice to functionCallingConfig', () => {
    const long = 'mcp__a_server_with_a_rather_long_name__and_a_tool_whose_name_is_long_too';
    const base: MessagesRequest = {
      model: 'c', max_tokens: 10, messages: [{ role: 'user', content: 'x' }],
      tools: [{ name: 'Bash', input_schema: { type: 'object', properties: { c: { type: 'string' } } } }, { name: long, input_schema: { type: 'object' } }],
    };
    expect(build(base).toolConfig).toBeUndefined();
    expect(build({ ...base, tool_choice: { type: 'auto' } }).toolConfig).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(build({ ...base, tool_choice: { type: 'any', disable_parallel_tool_use: true } }).toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(build({ ...base, tool_choice: { type: 'none' } }).toolConfig).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(build({ ...base, tool_choice: { type: 'tool', name: long } }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [shortenToolName(long)] },
    });
    const declarations = build(base).tools![0]!.functionDeclarations;
    expect(declarations[1]).toEqual({ name: shortenToolName(long) });
    expect(declarations[1]!.name.length).toBeLessThanOrEqual(64);
  });

  it('drops server tools, and sends no tools block when only server tools remain', () => {
    const body = build({
      model: 'c', max_tokens: 10, messages: [{ role: 'user', content: 'x' }],
      tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 5 }], tool_choice: { type: 'auto' },
    });
    expect(body.tools).toBeUndefined();
    expect(body.toolConfig).toBeUndefined();
  });

  it('sends tool errors as response.error, tool images as inlineData after the responses, then the user text', () => {
    const body = build({
      model: 'c', max_tokens: 10,
      messages: [
        { role: 'user', content: 'look' },
        { role: 'assistant', content: [
          { type: 'text', text: 'Checking both.' },
          { type: 'tool_use', id: 'toolu_1', name: 'shot', input: {} },
          { type: 'tool_use', id: 'toolu_2', name: 'Bash', input: { c: 'ls' } },
        ] },
        { role: 'user', content: [
          { type: 'text', text: 'and hurry' },
          { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'screen:' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }] },
          { type: 'tool_result', tool_use_id: 'toolu_2', is_error: true, content: 'ls: permission denied' },
        ] },
      ],
    }, undefined, ['shot', 'Bash']);
    assertWellFormed(body);
    expect(body.contents[1]!.parts).toEqual([
      { text: 'Checking both.' },
      { functionCall: { name: 'shot', args: {} }, thoughtSignature: DUMMY_THOUGHT_SIGNATURE },
      { functionCall: { name: 'Bash', args: { c: 'ls' } } },
    ]);
    expect(body.contents[2]!.parts).toEqual([
      { functionResponse: { name: 'shot', response: { output: 'screen:' } } },
      { functionResponse: { name: 'Bash', response: { error: 'ls: permission denied' } } },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      { text: 'and hurry' },
    ]);
  });

  it('never sends empty text, and merges the turns an empty message leaves side by side', () => {
    const body = build({
      model: 'c', max_tokens: 10,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'one' }, { type: 'text', text: '' }] },
        { role: 'assistant', content: [{ type: 'text', text: '' }] },
        { role: 'user', content: 'two' },
        { role: 'assistant', content: 'answer' },
        { role: 'assistant', content: [{ type: 'text', text: 'more' }] },
      ],
    });
    assertWellFormed(body);
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'one' }, { text: 'two' }] },
      { role: 'model', parts: [{ text: 'answer' }, { text: 'more' }] },
    ]);
  });

  it('sends a result whose call is gone from the history as text, not as an unmatched functionResponse', () => {
    const body = build({
      model: 'c', max_tokens: 10,
      messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_gone', content: 'done' }] }],
    });
    expect(body.contents[0]!.parts).toEqual([{ text: 'Result of tool call toolu_gone:\ndone' }]);
  });

  it('translates images and documents in user turns', () => {
    const body = build({
      model: 'c', max_tokens: 10,
      messages: [{ role: 'user', content: [
        { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg?x=1' } },
        { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } },
        { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain doc' } },
      ] }],
    });
    expect(body.contents[0]!.parts).toEqual([
      { fileData: { fileUri: 'https://example.com/cat.jpg?x=1', mimeType: 'image/jpeg' } },
      { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
      { text: 'plain doc' },
    ]);
  });

  it('drops thinking blocks that are not ours (an Anthropic signature) without sending thought text', () => {
    const body = build({
      model: 'c', max_tokens: 10,
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 'EqQBCkYIBxgCKkA…' }, { type: 'redacted_thinking', data: 'xx' }, { type: 'text', text: 'a' }] },
        { role: 'user', content: 'next' },
      ],
    });
    expect(body.contents[1]).toEqual({ role: 'model', parts: [{ text: 'a' }] });
  });
});

describe('tool parameter forms', () => {
  it('sends a tool with a free-form map as parametersJsonSchema and the others as parameters', () => {
    const body = build({
      model: 'c', max_tokens: 10, messages: [{ role: 'user', content: 'x' }],
      tools: [
        { name: 'run', input_schema: { type: 'object', properties: { cmd: { type: 'string' }, env: { type: 'object', additionalProperties: { type: 'string' } } }, required: ['cmd'] } },
        { name: 'ls', input_schema: { type: 'object', properties: { dir: { type: 'string' } } } },
      ],
    });
    const [run, ls] = body.tools![0]!.functionDeclarations;
    expect(run).toEqual({ name: 'run', parametersJsonSchema: { type: 'object', properties: { cmd: { type: 'string' }, env: { type: 'object', additionalProperties: { type: 'string' } } }, required: ['cmd'] } });
    expect(ls).toEqual({ name: 'ls', parameters: { type: 'OBJECT', properties: { dir: { type: 'STRING' } } } });
  });

  it('uses responseJsonSchema for a structured output the subset cannot express', () => {
    const schema = { type: 'object', properties: { labels: { type: 'object', additionalProperties: { type: 'number' } } } };
    const body = build({ model: 'c', max_tokens: 10, messages: [{ role: 'user', content: 'x' }], output_config: { format: { type: 'json_schema', schema } } });
    expect(body.generationConfig).toEqual({ maxOutputTokens: 10, responseMimeType: 'application/json', responseJsonSchema: schema });
  });
});

describe('pairing function responses with calls', () => {
  const call = (id: string, name = 'Bash') => ({ type: 'tool_use' as const, id, name, input: {} });
  const result = (id: string, content = 'ok') => ({ type: 'tool_result' as const, tool_use_id: id, content });

  it('answers a call the client left unanswered with an error result, so the counts match', () => {
    const body = build({
      model: 'c', max_tokens: 10,
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [call('toolu_a'), call('toolu_b', 'Read')] },
        { role: 'user', content: [result('toolu_b'), { type: 'text', text: '[Request interrupted by user]' }] },
      ],
    }, undefined, ['Bash', 'Read']);
    assertWellFormed(body);
    expect(body.contents[2]!.parts).toEqual([
      { functionResponse: { name: 'Bash', response: { error: 'No result was returned for this tool call.' } } },
      { functionResponse: { name: 'Read', response: { output: 'ok' } } },
      { text: '[Request interrupted by user]' },
    ]);
  });

  it('sends a result for a call from an earlier turn as text', () => {
    const body = build({
      model: 'c', max_tokens: 10,
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [call('toolu_a')] },
        { role: 'user', content: [result('toolu_a')] },
        { role: 'assistant', content: 'done' },
        { role: 'user', content: [result('toolu_a', 'late')] },
      ],
    });
    assertWellFormed(body);
    expect(body.contents[4]!.parts).toEqual([{ text: 'Result of tool call toolu_a:\nlate' }]);
  });

  it('looks past a mid-conversation system message for the results', () => {
    const body = build({
      model: 'c', max_tokens: 10,
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [call('toolu_a')] },
        { role: 'system', content: 'The user changed directory.' },
        { role: 'user', content: [result('toolu_a')] },
      ],
    });
    assertWellFormed(body);
    expect(body.contents[2]!.parts).toEqual([
      { functionResponse: { name: 'Bash', response: { output: 'ok' } } },
      { text: 'System note:\nThe user changed directory.' },
    ]);
  });
});
