/**
 * Anthropic request → OpenAI Chat Completions body, one describe per case of
 * /work/shared/reference/anthropic-openai-translation.md. Requests are built from the real Claude
 * Code requests in fixtures/ (turn 2 carries a tool_result and a mid-conversation system message).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MessagesRequest } from '../../../src/proxy/anthropic-types.js';
import { createOpenAIAdapter, openaiAdapter } from '../../../src/proxy/openai/index.js';
import type { ProviderConfig } from '../../../src/proxy/provider.js';
import { claudeCodeRequest, contextFor, openai, request, target, upstreamBody } from './helpers.js';

const pngData = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const toolUseTurn = { role: 'assistant' as const, content: [{ type: 'tool_use' as const, id: 'toolu_01A', name: 'Read', input: { file_path: '/tmp/a.png' } }] };

describe('case 1: tool messages come before the user text of the same turn', () => {
  it('emits the tool message right after the assistant tool_calls, then the text as a user message', () => {
    const req = claudeCodeRequest(2);
    const last = req.messages[3]!;
    // Claude Code puts the tool_result first and the user's next words after it, in one turn.
    last.content = [{ type: 'text', text: 'now also print HOME' }, ...(last.content as never[])];
    const messages = upstreamBody(req).messages as Array<Record<string, unknown>>;
    expect(messages.slice(3)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'toolu_fake_1', type: 'function', function: { name: 'mcp__echo__echo_env', arguments: '{"prefix":"FOO"}' } }],
      },
      { role: 'tool', tool_call_id: 'toolu_fake_1', content: '{"argv":["cli-config"],"env":{"MYVAR":"viacli","FOO":"viacli"}}' },
      { role: 'user', content: 'now also print HOME' },
    ]);
  });

  it('keeps tool results in their order and sends no user message for a turn of only tool results', () => {
    const body = upstreamBody(request({
      messages: [
        { role: 'user', content: 'read both' },
        { role: 'assistant', content: [
          { type: 'tool_use', id: 'toolu_1', name: 'Read', input: { file_path: 'a' } },
          { type: 'tool_use', id: 'toolu_2', name: 'Read', input: { file_path: 'b' } },
        ] },
        { role: 'user', content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'A' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'B1' }, { type: 'text', text: 'B2' }] },
        ] },
      ],
    }));
    expect((body.messages as unknown[]).slice(2)).toEqual([
      { role: 'tool', tool_call_id: 'toolu_1', content: 'A' },
      { role: 'tool', tool_call_id: 'toolu_2', content: 'B1\nB2' },
    ]);
  });
});

describe('case 2: is_error survives as an Error: prefix', () => {
  it('prefixes the tool content', () => {
    const body = upstreamBody(request({
      messages: [
        { role: 'user', content: 'run it' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_9', name: 'Bash', input: { command: 'false' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', is_error: true, content: '<tool_use_error>Exit code 1</tool_use_error>' }] },
      ],
    }));
    expect((body.messages as unknown[])[2]).toEqual({ role: 'tool', tool_call_id: 'toolu_9', content: 'Error: <tool_use_error>Exit code 1</tool_use_error>' });
  });
});

describe('case 3: images in a tool_result move to a following user message', () => {
  it('sends the image as an image_url part after the tool message, never as base64 text', () => {
    const body = upstreamBody(request({
      messages: [
        { role: 'user', content: 'look at a.png' },
        toolUseTurn,
        { role: 'user', content: [
          { type: 'tool_result', tool_use_id: 'toolu_01A', content: [
            { type: 'text', text: 'Read image (67 bytes)' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: pngData } },
          ] },
          { type: 'text', text: 'what colour is it?' },
        ] },
      ],
    }));
    const messages = body.messages as Array<{ role: string; content: unknown }>;
    expect(messages.slice(2)).toEqual([
      { role: 'tool', tool_call_id: 'toolu_01A', content: 'Read image (67 bytes)\n(1 attachment of this result follows in the next user message)' },
      { role: 'user', content: [
        { type: 'image_url', image_url: { url: `data:image/png;base64,${pngData}` } },
        { type: 'text', text: 'what colour is it?' },
      ] },
    ]);
    expect(String(messages[2]!.content)).not.toContain(pngData);
  });
});

describe('case 3: PDFs in a tool_result', () => {
  it('move to the following user message as a file part, and text documents stay in the tool text', () => {
    const body = upstreamBody(request({
      messages: [
        { role: 'user', content: 'read the spec' },
        toolUseTurn,
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A', content: [
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjcK' }, title: 'spec.pdf' },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'changelog' } },
        ] }] },
      ],
    }));
    expect((body.messages as unknown[]).slice(2)).toEqual([
      { role: 'tool', tool_call_id: 'toolu_01A', content: 'changelog\n(1 attachment of this result follows in the next user message)' },
      { role: 'user', content: [{ type: 'file', file: { filename: 'spec.pdf', file_data: 'data:application/pdf;base64,JVBERi0xLjcK' } }] },
    ]);
  });
});

describe('case 4: several tool calls in one assistant turn', () => {
  it('makes one assistant message with N tool_calls and the text beside them', () => {
    const body = upstreamBody(request({
      messages: [
        { role: 'user', content: 'list and read' },
        { role: 'assistant', content: [
          { type: 'text', text: 'Doing both.' },
          { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls' } },
          { type: 'tool_use', id: 'toolu_2', name: 'Read', input: { file_path: 'README.md' } },
        ] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'README.md' }, { type: 'tool_result', tool_use_id: 'toolu_2', content: '# hi' }] },
      ],
    }));
    expect((body.messages as unknown[])[1]).toEqual({
      role: 'assistant',
      content: 'Doing both.',
      tool_calls: [
        { id: 'toolu_1', type: 'function', function: { name: 'Bash', arguments: '{"command":"ls"}' } },
        { id: 'toolu_2', type: 'function', function: { name: 'Read', arguments: '{"file_path":"README.md"}' } },
      ],
    });
  });
});

describe('case 5: tool_choice and disable_parallel_tool_use', () => {
  const tools = claudeCodeRequest(1).tools;
  const cases: Array<[MessagesRequest['tool_choice'], unknown]> = [
    [{ type: 'auto' }, 'auto'],
    [{ type: 'any' }, 'required'],
    [{ type: 'none' }, 'none'],
    [{ type: 'tool', name: 'Bash' }, { type: 'function', function: { name: 'Bash' } }],
  ];
  for (const [choice, expected] of cases) {
    it(`maps ${JSON.stringify(choice)}`, () => {
      const body = upstreamBody(request({ tools, tool_choice: choice }));
      expect(body.tool_choice).toEqual(expected);
      expect(body).not.toHaveProperty('parallel_tool_calls');
    });
  }

  it('sends parallel_tool_calls:false for disable_parallel_tool_use', () => {
    const body = upstreamBody(request({ tools, tool_choice: { type: 'any', disable_parallel_tool_use: true } }));
    expect(body.tool_choice).toBe('required');
    expect(body.parallel_tool_calls).toBe(false);
  });

  it('sends neither tool_choice nor parallel_tool_calls without tools (OpenAI rejects them)', () => {
    const body = upstreamBody(request({ tool_choice: { type: 'auto', disable_parallel_tool_use: true } }));
    expect(body).not.toHaveProperty('tool_choice');
    expect(body).not.toHaveProperty('parallel_tool_calls');
    expect(body).not.toHaveProperty('tools');
  });

  it('forces a shortened tool by its upstream name', () => {
    const long = `mcp__${'very_long_server_name_'.repeat(3)}__search_documents`;
    const req = request({ tools: [{ name: long, input_schema: { type: 'object' } }], tool_choice: { type: 'tool', name: long } });
    const body = upstreamBody(req);
    const upstreamName = (body.tools as Array<{ function: { name: string } }>)[0]!.function.name;
    expect(upstreamName.length).toBeLessThanOrEqual(64);
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: upstreamName } });
  });
});

describe('case 6: stop_sequences → stop (at most 4)', () => {
  it('passes up to four', () => {
    expect(upstreamBody(request({ stop_sequences: ['\n\nHuman:', 'END'] })).stop).toEqual(['\n\nHuman:', 'END']);
  });

  it('sends the first four of more and says so', () => {
    const notes: string[] = [];
    const adapter = createOpenAIAdapter({ onNote: (n) => notes.push(n) });
    const req = request({ stop_sequences: ['a', 'b', 'c', 'd', 'e', 'f'] });
    const body = JSON.parse(adapter.buildRequest(req, target(), contextFor(req)).body!) as { stop: string[] };
    expect(body.stop).toEqual(['a', 'b', 'c', 'd']);
    expect(notes).toEqual(['only the first 4 of 6 stop_sequences sent: OpenAI-compatible APIs take at most 4; Patchbay watches for the rest']);
  });

  it('sends no stop for an empty list or empty strings', () => {
    expect(upstreamBody(request({ stop_sequences: [] }))).not.toHaveProperty('stop');
    expect(upstreamBody(request({ stop_sequences: [''] }))).not.toHaveProperty('stop');
  });
});

describe('case 7: sampling parameters', () => {
  it('passes temperature and top_p to chat models and drops top_k unless the provider takes it', () => {
    const body = upstreamBody(request({ temperature: 0.2, top_p: 0.9, top_k: 40 }));
    expect(body).toMatchObject({ temperature: 0.2, top_p: 0.9 });
    expect(body).not.toHaveProperty('top_k');
  });

  it('passes top_k with quirks.acceptsTopK (vLLM, OpenRouter)', () => {
    const vllm: ProviderConfig = { name: 'vllm', kind: 'openai', baseUrl: 'http://127.0.0.1:8000/v1', quirks: { acceptsTopK: true } };
    expect(upstreamBody(request({ top_k: 40 }), 'Qwen/Qwen3-8B', vllm).top_k).toBe(40);
  });

  for (const model of ['o1', 'o3-mini', 'o4-mini', 'gpt-5', 'gpt-5-mini', 'openai/o3']) {
    it(`sends no temperature/top_p to reasoning model ${model}`, () => {
      const body = upstreamBody(request({ temperature: 0.2, top_p: 0.9 }), model);
      expect(body).not.toHaveProperty('temperature');
      expect(body).not.toHaveProperty('top_p');
    });
  }

  it('treats gpt-5-chat as a chat model', () => {
    expect(upstreamBody(request({ temperature: 0.5 }), 'gpt-5-chat-latest').temperature).toBe(0.5);
  });
});

describe('case 8: metadata.user_id → user', () => {
  it('passes a short user id as is', () => {
    expect(upstreamBody(request({ metadata: { user_id: 'user-42' } })).user).toBe('user-42');
  });

  it("hashes Claude Code's long JSON user id to fit OpenAI's 64-character limit, stably", () => {
    const req = claudeCodeRequest(1);
    const id = req.metadata!.user_id!;
    const user = upstreamBody(req).user as string;
    expect(id.length).toBeGreaterThan(64);
    expect(user).toBe(`user_${createHash('sha256').update(id).digest('hex').slice(0, 40)}`);
    expect(user.length).toBeLessThanOrEqual(64);
    expect(upstreamBody(claudeCodeRequest(2)).user).toBe(user);
  });
});

describe('case 9: max_tokens vs max_completion_tokens', () => {
  it('sends max_tokens to chat models', () => {
    const body = upstreamBody(request({ max_tokens: 2048 }), 'gpt-4o');
    expect(body.max_tokens).toBe(2048);
    expect(body).not.toHaveProperty('max_completion_tokens');
  });

  it("lowers Claude Code's 64000 to what a known model can produce, and says so", () => {
    const notes: string[] = [];
    const adapter = createOpenAIAdapter({ onNote: (n) => notes.push(n) });
    const req = claudeCodeRequest(1);
    const body = JSON.parse(adapter.buildRequest(req, target('gpt-4o-2024-08-06'), contextFor(req)).body!) as Record<string, unknown>;
    expect(body.max_tokens).toBe(16384);
    expect(notes).toEqual(['max_tokens 64000 lowered to 16384, the most gpt-4o-2024-08-06 can produce']);
    expect(upstreamBody(req, 'openai/gpt-4.1-mini').max_tokens).toBe(32768);
    expect(upstreamBody(req, 'o3').max_completion_tokens).toBe(64000);
    expect(upstreamBody(req, 'qwen3-coder:30b').max_tokens).toBe(64000);
  });

  it('sends max_completion_tokens to reasoning models', () => {
    const body = upstreamBody(request({ max_tokens: 2048 }), 'o3');
    expect(body.max_completion_tokens).toBe(2048);
    expect(body).not.toHaveProperty('max_tokens');
  });
});

describe('case 11: empty text never drops a message', () => {
  it('keeps a user turn and an assistant turn whose only text is empty', () => {
    const body = upstreamBody(request({
      messages: [
        { role: 'user', content: [{ type: 'text', text: '' }] },
        { role: 'assistant', content: [{ type: 'text', text: '' }] },
        { role: 'user', content: 'continue' },
      ],
    }));
    expect(body.messages).toEqual([
      { role: 'user', content: '' },
      { role: 'assistant', content: '' },
      { role: 'user', content: 'continue' },
    ]);
  });

  it('keeps an assistant turn of only thinking (dropped for this provider) as empty content', () => {
    const body = upstreamBody(request({
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 'sig' }, { type: 'redacted_thinking', data: 'xyz' }] },
        { role: 'user', content: 'and?' },
      ],
    }));
    expect((body.messages as unknown[])[1]).toEqual({ role: 'assistant', content: '' });
  });
});

describe('case 12: streaming asks for usage', () => {
  it('sends stream and stream_options.include_usage only for streamed requests', () => {
    expect(upstreamBody(request({ stream: true }))).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const whole = upstreamBody(request({ stream: false }));
    expect(whole).not.toHaveProperty('stream');
    expect(whole).not.toHaveProperty('stream_options');
  });
});

describe('case 13: tool ids and names', () => {
  it('sanitises ids the same way in tool_calls and tool results, and shortens long names both ways', () => {
    const long = `mcp__${'a_really_long_mcp_server_name'.repeat(2)}__get_everything_about_it`;
    const req = request({
      tools: [{ name: long, description: 'd', input_schema: { type: 'object', properties: {} } }],
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'functions.get:0', name: long, input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'functions.get:0', content: 'ok' }] },
      ],
    });
    const context = contextFor(req);
    const body = JSON.parse(openaiAdapter.buildRequest(req, target(), context).body!) as {
      tools: Array<{ function: { name: string } }>;
      messages: Array<{ tool_calls?: Array<{ id: string; function: { name: string } }>; tool_call_id?: string }>;
    };
    const name = body.tools[0]!.function.name;
    const call = body.messages[1]!.tool_calls![0]!;
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(call.function.name).toBe(name);
    expect(context.toolNames.fromUpstream(name)).toBe(long);
    expect(call.id).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(body.messages[2]!.tool_call_id).toBe(call.id);
  });

  it('leaves ordinary ids and names alone', () => {
    const body = upstreamBody(claudeCodeRequest(2)) as { tools: Array<{ function: { name: string } }> };
    expect(body.tools.map((t) => t.function.name)).toEqual(['Bash', 'Read', 'mcp__echo__echo_env']);
  });
});

describe('case 16: system prompts', () => {
  it('puts the top-level system first and the mid-conversation system message at its place', () => {
    const req = claudeCodeRequest(2);
    const messages = upstreamBody(req).messages as Array<{ role: string; content: string }>;
    const system = req.system as Array<{ text: string }>;
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'system', 'assistant', 'tool']);
    // Claude Code's billing header is Anthropic metadata, not prompt: it is left out.
    expect(system[0]!.text).toMatch(/^x-anthropic-billing-header:/);
    expect(messages[0]!.content).toBe(system.slice(1).map((b) => b.text).join('\n'));
    expect(messages[0]!.content.startsWith("You are a Claude agent, built on Anthropic's Claude Agent SDK.\n")).toBe(true);
    expect(messages[2]!.content).toBe(req.messages[1]!.content);
  });

  it('uses the developer role for reasoning models', () => {
    const messages = upstreamBody(claudeCodeRequest(2), 'o3').messages as Array<{ role: string }>;
    expect(messages.map((m) => m.role)).toEqual(['developer', 'user', 'developer', 'assistant', 'tool']);
  });

  it('takes a string system as is', () => {
    expect((upstreamBody(request({ system: 'Be brief.' })).messages as unknown[])[0]).toEqual({ role: 'system', content: 'Be brief.' });
  });
});

describe('case 17: thinking → reasoning', () => {
  it.each([[1024, 'low'], [8000, 'medium'], [32000, 'high']])('budget %i → reasoning_effort %s on a reasoning model', (budget, effort) => {
    expect(upstreamBody(request({ thinking: { type: 'enabled', budget_tokens: budget } }), 'o4-mini').reasoning_effort).toBe(effort);
  });

  it("maps adaptive thinking to Claude Code's output_config.effort", () => {
    expect(upstreamBody(claudeCodeRequest(1), 'gpt-5').reasoning_effort).toBe('high');
    expect(upstreamBody(request({ thinking: { type: 'adaptive' } }), 'gpt-5').reasoning_effort).toBe('medium');
  });

  it('sends no reasoning_effort to chat models, which reject it (Claude Code always sends thinking)', () => {
    expect(upstreamBody(claudeCodeRequest(1), 'gpt-4.1')).not.toHaveProperty('reasoning_effort');
  });

  it("sends OpenRouter's reasoning object instead", () => {
    const openrouter: ProviderConfig = { name: 'openrouter', kind: 'openai', baseUrl: 'https://openrouter.ai/api/v1', apiKey: 'sk-or-v1-abc' };
    expect(upstreamBody(request({ thinking: { type: 'enabled', budget_tokens: 5000 } }), 'anthropic/claude-sonnet-4', openrouter).reasoning).toEqual({ max_tokens: 5000 });
    const adaptive = upstreamBody(claudeCodeRequest(1), 'deepseek/deepseek-r1', openrouter);
    expect(adaptive.reasoning).toEqual({ effort: 'high' });
    expect(adaptive).not.toHaveProperty('reasoning_effort');
  });

  it('sends thinking back as reasoning_content with quirks.sendsReasoningContent (DeepSeek) and not otherwise', () => {
    const req = request({
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: [
          { type: 'thinking', thinking: 'I should call the tool.', signature: '' },
          { type: 'tool_use', id: 'call_00_abc', name: 'get_weather', input: { city: 'Oslo' } },
        ] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_00_abc', content: '3°C' }] },
      ],
    });
    const deepseek: ProviderConfig = { name: 'deepseek', kind: 'openai', baseUrl: 'https://api.deepseek.com', quirks: { sendsReasoningContent: true } };
    expect((upstreamBody(req, 'deepseek-chat', deepseek).messages as unknown[])[1]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_00_abc', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }],
      reasoning_content: 'I should call the tool.',
    });
    expect((upstreamBody(req).messages as Array<Record<string, unknown>>)[1]).not.toHaveProperty('reasoning_content');
  });
});

describe('case 18: unknown Claude Code fields are not forwarded', () => {
  it('sends exactly the known fields for a real Claude Code request', () => {
    const body = upstreamBody(claudeCodeRequest(1), 'gpt-4.1');
    expect(Object.keys(body)).toEqual(['model', 'messages', 'max_tokens', 'stream', 'stream_options', 'user', 'tools']);
    const text = JSON.stringify(body);
    for (const field of ['context_management', 'output_config', 'effort', 'metadata', 'thinking', 'betas', 'anthropic']) expect(text).not.toContain(`"${field}"`);
  });

  it('maps output_config.format json_schema to response_format', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };
    const body = upstreamBody(request({ output_config: { format: { type: 'json_schema', schema }, effort: 'low' }, context_management: { edits: [] } }));
    expect(body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'response', schema, strict: true } });
    expect(body).not.toHaveProperty('context_management');
  });
});

describe('case 19: cache_control is never forwarded', () => {
  it('strips it from system, messages, tool results and tools', () => {
    const req = claudeCodeRequest(2);
    req.tools![0]!.cache_control = { type: 'ephemeral' };
    const text = JSON.stringify(upstreamBody(req));
    expect(JSON.stringify(req)).toContain('cache_control');
    expect(text).not.toContain('cache_control');
    expect(text).not.toContain('ephemeral');
  });
});

describe('documents, server tools and tool_result shapes', () => {
  it('sends a base64 PDF as a file part and a text document as text', () => {
    const body = upstreamBody(request({
      messages: [{ role: 'user', content: [
        { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' }, title: 'spec' },
        { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain notes' } },
        { type: 'text', text: 'summarise' },
      ] }],
    }));
    expect(body.messages).toEqual([{ role: 'user', content: [
      { type: 'file', file: { filename: 'spec.pdf', file_data: 'data:application/pdf;base64,JVBERi0xLjQK' } },
      { type: 'text', text: 'plain notes' },
      { type: 'text', text: 'summarise' },
    ] }]);
  });

  it('rejects a URL document with an invalid_request error that says where and what to do', () => {
    const req = request({ messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } }] }] });
    expect(() => openaiAdapter.buildRequest(req, target(), contextFor(req))).toThrow(
      expect.objectContaining({
        info: {
          status: 400,
          type: 'invalid_request_error',
          message: 'messages.0.content.0: a document with a "url" source cannot be sent to an OpenAI-compatible provider; send the PDF as base64 (source.type "base64") or its text (source.type "text").',
        },
      }),
    );
  });

  it('drops server tools with a note, and maps web search to the web plugin on OpenRouter', () => {
    const notes: string[] = [];
    const adapter = createOpenAIAdapter({ onNote: (n) => notes.push(n) });
    const req = request({ tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 8 }, { name: 'Bash', input_schema: { type: 'object' } }] });
    const body = JSON.parse(adapter.buildRequest(req, target(), contextFor(req)).body!) as Record<string, unknown>;
    expect(body.tools).toEqual([{ type: 'function', function: { name: 'Bash', parameters: { type: 'object' } } }]);
    expect(body).not.toHaveProperty('plugins');
    expect(notes).toEqual(['tool "web_search" (web_search_20250305) not sent: it is an Anthropic server tool']);
    const openrouter: ProviderConfig = { name: 'or', kind: 'openai', baseUrl: 'https://openrouter.ai/api/v1' };
    expect(upstreamBody(req, 'openai/gpt-4.1', openrouter).plugins).toEqual([{ id: 'web' }]);
  });

  it('keeps newer tool_result block types as JSON text instead of losing them', () => {
    const block = { type: 'search_result', source: 'https://example.com', title: 'Ex', content: [{ type: 'text', text: 'found' }], cache_control: { type: 'ephemeral' } };
    const body = upstreamBody(request({
      messages: [
        { role: 'user', content: 'search' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_s', name: 'search', input: { q: 'x' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_s', content: [block as never] }] },
      ],
    }));
    expect((body.messages as unknown[])[2]).toEqual({ role: 'tool', tool_call_id: 'toolu_s', content: '{"type":"search_result","source":"https://example.com","title":"Ex","content":[{"type":"text","text":"found"}]}' });
  });

  it('translates the Claude Code tool definitions exactly', () => {
    const req = claudeCodeRequest(1);
    const tools = upstreamBody(req).tools as unknown[];
    expect(tools[2]).toEqual({ type: 'function', function: { name: 'mcp__echo__echo_env', description: req.tools![2]!.description, parameters: req.tools![2]!.input_schema } });
  });
});

describe('the HTTP request', () => {
  it('posts to {baseUrl}/chat/completions with Bearer auth and the provider headers', () => {
    const provider: ProviderConfig = { ...openai, baseUrl: 'https://openrouter.ai/api/v1/', headers: { 'HTTP-Referer': 'https://patchbay.dev' } };
    const req = request({ stream: true });
    const spec = openaiAdapter.buildRequest(req, target('gpt-4.1', provider), contextFor(req));
    expect(spec.url).toBe('https://openrouter.ai/api/v1/chat/completions');
    expect(spec.method).toBe('POST');
    expect(spec.headers).toEqual({
      'content-type': 'application/json',
      accept: 'text/event-stream',
      authorization: 'Bearer sk-test-0123456789abcdef',
      'http-referer': 'https://patchbay.dev',
    });
  });

  it('sends no Authorization without a key (Ollama, llama.cpp)', () => {
    const ollama: ProviderConfig = { name: 'ollama', kind: 'openai', baseUrl: 'http://127.0.0.1:11434/v1' };
    const spec = openaiAdapter.buildRequest(request({}), target('llama3.2', ollama), contextFor());
    expect(spec.url).toBe('http://127.0.0.1:11434/v1/chat/completions');
    expect(spec.headers).toEqual({ 'content-type': 'application/json', accept: 'application/json' });
  });

  it("uses Azure's api-key header and api-version query", () => {
    const azure: ProviderConfig = { name: 'azure', kind: 'openai', baseUrl: 'https://res.openai.azure.com/openai/deployments/gpt-4o', apiKey: 'azkey123', quirks: { azureApiVersion: '2024-10-21' } };
    const spec = openaiAdapter.buildRequest(request({}), target('gpt-4o', azure), contextFor());
    expect(spec.url).toBe('https://res.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21');
    expect(spec.headers['api-key']).toBe('azkey123');
    expect(spec.headers).not.toHaveProperty('authorization');
  });
});
