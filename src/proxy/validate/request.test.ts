/**
 * The edge check against the requests the Anthropic API refuses, each with the message the API
 * gives (quoted from its answers where they were found: see README.md in this folder), and
 * against real Claude Code requests, which must pass untouched.
 */
import { describe, expect, it } from 'vitest';
import { claudeCodeRequestBytes } from '../../../test/fixtures/upstreams/claude-code/index.js';
import { checkMessagesRequest, type RequestCheckOptions } from './request.js';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]).toString('base64');
const base = { model: 'claude-sonnet-4-6', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };
const check = (patch: Record<string, unknown>, options: RequestCheckOptions = { needMaxTokens: true }): string | undefined => checkMessagesRequest({ ...base, ...patch }, options);
const user = (...content: unknown[]) => ({ role: 'user', content });
const ask = { role: 'user', content: 'go' };
const image = (source: unknown) => ({ type: 'image', source });
const toolUse = (id: string) => ({ type: 'tool_use', id, name: 'Read', input: { path: 'a' } });
const toolResult = (id: string, content: unknown = 'ok') => ({ type: 'tool_result', tool_use_id: id, content });

describe('requests the Anthropic API refuses', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['no model', { model: undefined }, 'model: Field required'],
    ['a model that is not a string', { model: 5 }, 'model: Input should be a valid string'],
    ['no max_tokens', { max_tokens: undefined }, 'max_tokens: Field required'],
    ['max_tokens -1', { max_tokens: -1 }, 'max_tokens: Input should be greater than or equal to 1'],
    ['max_tokens 0', { max_tokens: 0 }, 'max_tokens: Input should be greater than or equal to 1'],
    ['max_tokens 1.5', { max_tokens: 1.5 }, 'max_tokens: Input should be a valid integer, got a number with a fractional part'],
    ['max_tokens "10"', { max_tokens: '10' }, 'max_tokens: Input should be a valid integer'],
    ['no messages', { messages: undefined }, 'messages: Field required'],
    ['messages that are not a list', { messages: {} }, 'messages: Input should be a valid list'],
    ['empty messages', { messages: [] }, 'messages: at least one message is required'],
    ['a message that is not an object', { messages: ['hi'] }, 'messages.0: Input should be a valid dictionary'],
    ['no role', { messages: [{ content: 'hi' }] }, 'messages.0.role: Field required'],
    ['an unknown role', { messages: [{ role: 'bot', content: 'hi' }] }, "messages.0.role: Input should be 'user', 'assistant' or 'system'"],
    ['no content', { messages: [{ role: 'user' }] }, 'messages.0.content: Field required'],
    ['content: 5', { messages: [{ role: 'user', content: 5 }] }, 'messages.0.content: Input should be a valid list'],
    ['a block that is not an object', { messages: [user(5)] }, 'messages.0.content.0: Input should be a valid dictionary'],
    ['a block without a type', { messages: [user({ text: 'x' })] }, "messages.0.content.0: Unable to extract tag using discriminator 'type'"],
    ['a text block without text', { messages: [user({ type: 'text' })] }, 'messages.0.content.0.text.text: Field required'],
    ['an image without a source', { messages: [user({ type: 'image' })] }, 'messages.0.content.0.image.source: Field required'],
    ['an image source of an unknown type', { messages: [user(image({ type: 'blob' }))] }, "messages.0.content.0.image.source: Input tag 'blob' found using 'type' does not match any of the expected tags: 'base64', 'url', 'file'"],
    ['an image of type text/html', { messages: [user(image({ type: 'base64', media_type: 'text/html', data: PNG }))] }, "messages.0.content.0.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'"],
    ['invalid base64', { messages: [user(image({ type: 'base64', media_type: 'image/png', data: '!!!not base64' }))] }, 'messages.0.content.0.image.source.base64: invalid base64 data'],
    ['a data: URL in data', { messages: [user(image({ type: 'base64', media_type: 'image/png', data: `data:image/png;base64,${PNG}` }))] }, 'messages.0.content.0.image.source.base64: invalid base64 data'],
    ['a JPEG sent as PNG', { messages: [user(image({ type: 'base64', media_type: 'image/png', data: JPEG }))] }, 'messages.0.content.0.image.source.base64.data: Image does not match the provided media type image/png'],
    ['an image URL source without url', { messages: [user(image({ type: 'url' }))] }, 'messages.0.content.0.image.source.url.url: Field required'],
    ['a document without a source', { messages: [user({ type: 'document' })] }, 'messages.0.content.0.document.source: Field required'],
    ['a base64 document that is not a PDF', { messages: [user({ type: 'document', source: { type: 'base64', media_type: 'image/png', data: PNG } })] }, "messages.0.content.0.document.source.base64.media_type: Input should be 'application/pdf'"],
    ['a tool_use whose input is a string', { messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Read', input: '{}' }] }] }, 'messages.0.content.0.tool_use.input: Input should be a valid dictionary'],
    ['a tool_use without input', { messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Read' }] }] }, 'messages.0.content.0.tool_use.input: Field required'],
    ['a tool_result without tool_use_id', { messages: [user({ type: 'tool_result', content: 'x' })] }, 'messages.0.content.0.tool_result.tool_use_id: Field required'],
    ['an image in a tool_result of a bad media type', {
      messages: [ask, { role: 'assistant', content: [toolUse('t1')] }, user(toolResult('t1', [image({ type: 'base64', media_type: 'image/bmp', data: PNG })]))],
    }, "messages.2.content.0.tool_result.content.0.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'"],
    ['a tool_result with no matching tool_use', { messages: [user(toolResult('toolu_x'))] }, 'messages.0.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_x. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.'],
    ['a tool_result answering a tool_use two turns back', {
      messages: [ask, { role: 'assistant', content: [toolUse('t1')] }, user(toolResult('t1')), { role: 'assistant', content: 'done' }, user(toolResult('t1'))],
    }, 'messages.4.content.0: unexpected `tool_use_id` found in `tool_result` blocks: t1. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.'],
    ['a tool_use left unanswered', {
      messages: [ask, { role: 'assistant', content: [toolUse('t1'), toolUse('t2')] }, user(toolResult('t1'), { type: 'text', text: 'and?' })],
    }, 'messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: t2. Each `tool_use` block must have a corresponding `tool_result` block in the next message.'],
    ['system: {}', { system: {} }, 'system: Input should be a valid list'],
    ['a system block that is not text', { system: [{ type: 'image' }] }, "system.0.type: Input should be 'text'"],
    ['a system message holding an image', { messages: [{ role: 'system', content: [image({ type: 'url', url: 'https://x' })] }, ask] }, "messages.0.content.0.type: Input should be 'text'"],
    ['tools: "x"', { tools: 'x' }, 'tools: Input should be a valid list'],
    ['a tool that is not an object', { tools: [5] }, 'tools.0: Input should be a valid dictionary'],
    ['a tool without a name', { tools: [{ description: 'reads', input_schema: { type: 'object' } }] }, 'tools.0.custom.name: Field required'],
    ['a tool name with a dot', { tools: [{ name: 'files.read', input_schema: { type: 'object' } }] }, "tools.0.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'"],
    ['a tool without input_schema', { tools: [{ name: 'read' }] }, 'tools.0.custom.input_schema: Field required'],
    ['duplicate tool names', { tools: [{ name: 'read', input_schema: {} }, { type: 'web_search_20250305', name: 'web_search' }, { name: 'read', input_schema: {} }] }, 'tools: Tool names must be unique.'],
    ['tool_choice: "auto"', { tool_choice: 'auto' }, 'tool_choice: Input should be a valid dictionary'],
    ['an unknown tool_choice', { tool_choice: { type: 'required' } }, "tool_choice: Input tag 'required' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'"],
    ['tool_choice tool without a name', { tool_choice: { type: 'tool' } }, 'tool_choice.tool.name: Field required'],
    ['stream: "yes"', { stream: 'yes' }, 'stream: Input should be a valid boolean'],
    ['temperature 1.5', { temperature: 1.5 }, 'temperature: Input should be less than or equal to 1'],
    ['top_p -0.1', { top_p: -0.1 }, 'top_p: Input should be greater than or equal to 0'],
    ['top_k 2.5', { top_k: 2.5 }, 'top_k: Input should be a valid integer, got a number with a fractional part'],
    ['stop_sequences: "END"', { stop_sequences: 'END' }, 'stop_sequences: Input should be a valid list'],
    ['a stop sequence that is not a string', { stop_sequences: ['END', 3] }, 'stop_sequences.1: Input should be a valid string'],
    ['metadata: "x"', { metadata: 'x' }, 'metadata: Input should be a valid dictionary'],
    ['a thinking budget below 1024', { thinking: { type: 'enabled', budget_tokens: 512 } }, 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024'],
    ['a thinking budget not below max_tokens', { max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 2000 } }, '`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size'],
  ];
  it.each(cases)('refuses %s', (_name, patch, message) => {
    expect(check(patch)).toBe(message);
  });
});

describe('requests the Anthropic API takes', () => {
  it('passes Claude Code\'s real requests (system messages mid-conversation, tool_use and its result, beta fields)', () => {
    for (const turn of ['turn1', 'turn2'] as const) {
      const request = JSON.parse(claudeCodeRequestBytes(turn).toString('utf8')) as Record<string, unknown>;
      expect(checkMessagesRequest(request, { needMaxTokens: true })).toBeUndefined();
    }
  });

  it('passes images of each kind, server tools, toolsets without a name, and block types newer than Patchbay', () => {
    expect(check({
      messages: [
        user(image({ type: 'base64', media_type: 'image/png', data: PNG }), image({ type: 'base64', media_type: 'image/jpeg', data: JPEG }), image({ type: 'url', url: 'https://example.com/a.png' }), image({ type: 'file', file_id: 'file_1' })),
        { role: 'assistant', content: [{ type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} }, { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] }, toolUse('t1')] },
        { role: 'system', content: 'The user switched to plan mode.' },
        user(toolResult('t1', [{ type: 'text', text: 'file' }, image({ type: 'base64', media_type: 'image/png', data: PNG })]), { type: 'advisor_tool_result', tool_use_id: 'srvtoolu_2', content: {} }),
      ],
      tools: [{ name: 'Read', input_schema: { type: 'object' } }, { type: 'web_search_20250305', name: 'web_search' }, { type: 'browser_toolset_20260801' }],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      thinking: { type: 'adaptive' },
    })).toBeUndefined();
  });

  it('lets the interleaved-thinking beta set a budget above max_tokens, and count_tokens go without max_tokens', () => {
    expect(check({ max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 4000 } }, { needMaxTokens: true, interleavedThinking: true })).toBeUndefined();
    expect(check({ max_tokens: undefined }, { needMaxTokens: false })).toBeUndefined();
  });

  it('lets a final assistant turn end on a tool_use (nothing follows to answer it) and empty text through', () => {
    expect(check({ messages: [ask, { role: 'assistant', content: [toolUse('t1')] }] })).toBeUndefined();
    expect(check({ messages: [user({ type: 'text', text: '' })] })).toBeUndefined();
  });
});
