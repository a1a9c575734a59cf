/** Shared fixtures for the OpenAI adapter tests: real Claude Code requests and SSE builders. */
import { readFileSync } from 'node:fs';
import type { MessagesRequest, StreamEvent } from '../../../src/proxy/anthropic-types.js';
import type { ProviderConfig, TranslationContext, UpstreamTarget } from '../../../src/proxy/provider.js';
import { createToolNameMap } from '../../../src/proxy/tool-names.js';
import { openaiAdapter } from '../../../src/proxy/openai/index.js';

export function claudeCodeRequest(turn: 1 | 2): MessagesRequest {
  return JSON.parse(readFileSync(new URL(`./fixtures/claude-code-request-turn${turn}.json`, import.meta.url), 'utf8')) as MessagesRequest;
}

export function contextFor(request: Partial<MessagesRequest> = {}, overrides: Partial<TranslationContext> = {}): TranslationContext {
  return {
    requestModel: request.model ?? 'claude-sonnet-4-5',
    messageId: 'msg_01TestMessage0000000001',
    estimatedInputTokens: 1234,
    toolNames: createToolNameMap((request.tools ?? []).map((t) => t.name)),
    ...(request.stop_sequences ? { stopSequences: request.stop_sequences } : {}),
    ...overrides,
  };
}

export const openai: ProviderConfig = { name: 'openai', kind: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-test-0123456789abcdef' };

export function target(model = 'gpt-4.1', provider: ProviderConfig = openai): UpstreamTarget {
  return { provider, model };
}

/** The upstream JSON body the adapter builds for `request`. */
export function upstreamBody(request: MessagesRequest, model = 'gpt-4.1', provider: ProviderConfig = openai): Record<string, unknown> {
  const spec = openaiAdapter.buildRequest(request, target(model, provider), contextFor(request));
  return JSON.parse(spec.body ?? 'null') as Record<string, unknown>;
}

/** A minimal valid request with the given messages. */
export function request(fields: Partial<MessagesRequest>): MessagesRequest {
  return { model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'hi' }], ...fields };
}

/** SSE text as an OpenAI-compatible server writes it: one `data:` line per chunk, then [DONE]. */
export function sse(chunks: unknown[], done = true): string {
  return chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + (done ? 'data: [DONE]\n\n' : '');
}

export function chunk(delta: Record<string, unknown>, finishReason: string | null = null, extra: Record<string, unknown> = {}): unknown {
  return { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1', choices: [{ index: 0, delta, finish_reason: finishReason, ...extra }] };
}

export function usageChunk(prompt: number, completion: number, cached?: number): unknown {
  return {
    id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1', choices: [],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, ...(cached !== undefined ? { prompt_tokens_details: { cached_tokens: cached } } : {}) },
  };
}

/** Runs upstream text through a fresh stream translator, cut into the given byte pieces. */
export function translateStream(text: string | Uint8Array, context: TranslationContext = contextFor(), cuts: number[] = []): StreamEvent[] {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const translator = openaiAdapter.createStreamTranslator(context);
  const events: StreamEvent[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    events.push(...translator.push(bytes.subarray(from, cut)));
    from = cut;
  }
  events.push(...translator.end());
  return events;
}
