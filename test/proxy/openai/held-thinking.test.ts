/**
 * Reasoning that arrives while a tool call is streaming (interleaved reasoning from gpt-oss or
 * Qwen3 behind vLLM, or OpenRouter's reasoning field after a tool delta) used to be dropped by
 * AnthropicStreamBuilder, while text in the same position was held. Both are now held and sent
 * after the tool calls, so nothing the model produced is lost.
 */
import { describe, expect, it } from 'vitest';
import { AnthropicStreamBuilder } from '../../../src/proxy/stream-builder.js';
import { validateEventSequence } from './event-sequence.js';
import { chunk, sse, translateStream } from './helpers.js';

describe('case 17: reasoning after a tool call started', () => {
  it('is kept by the builder as its own thinking block after the tool', () => {
    const builder = new AnthropicStreamBuilder({ id: 'msg_1', model: 'm', inputTokens: 1 });
    builder.toolStart(0, 'call_1', 'Bash');
    builder.toolArguments(0, '{"command":"ls"}');
    builder.thinking('now check the output');
    builder.thinkingSignature('sig');
    builder.finish('tool_use');
    expect(validateEventSequence(builder.drain()).message.content).toEqual([
      { type: 'tool_use', id: 'call_1', name: 'Bash', input: { command: 'ls' } },
      { type: 'thinking', thinking: 'now check the output', signature: 'sig' },
    ]);
  });

  it('is kept by the OpenAI stream translation', () => {
    const events = translateStream(sse([
      chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'Bash', arguments: '{"command":' } }] }),
      chunk({ reasoning_content: 'quoting the path' }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"ls"}' } }] }),
      chunk({}, 'tool_calls'),
    ]));
    expect(validateEventSequence(events).message.content).toEqual([
      { type: 'tool_use', id: 'call_1', name: 'Bash', input: { command: 'ls' } },
      { type: 'thinking', thinking: 'quoting the path', signature: '' },
    ]);
  });
});
