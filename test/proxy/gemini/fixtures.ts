/** Shared test inputs: a translation context and Gemini's SSE framing. */
import type { TranslationContext } from '../../../src/proxy/provider.js';
import { createToolNameMap } from '../../../src/proxy/tool-names.js';

export function context(toolNames: string[] = [], extra: Partial<TranslationContext> = {}): TranslationContext {
  return {
    requestModel: 'claude-sonnet-4-5',
    messageId: 'msg_test_0001',
    estimatedInputTokens: 42,
    toolNames: createToolNameMap(toolNames),
    ...extra,
  };
}

/** Gemini frames each chunk as `data: <json>` and, as Google's front ends do, ends lines with CRLF. */
export function sse(chunks: unknown[], lineEnd = '\r\n'): string {
  return chunks.map((c) => `data: ${JSON.stringify(c)}${lineEnd}${lineEnd}`).join('');
}

export function chunk(parts: unknown[], extra: Record<string, unknown> = {}, usage?: Record<string, number>): Record<string, unknown> {
  const { finishReason, finishMessage, ...rest } = extra;
  const candidate: Record<string, unknown> = { content: { role: 'model', parts }, index: 0 };
  if (finishReason !== undefined) candidate.finishReason = finishReason;
  if (finishMessage !== undefined) candidate.finishMessage = finishMessage;
  const out: Record<string, unknown> = { candidates: [candidate], modelVersion: 'gemini-2.5-pro', responseId: 'resp-1', ...rest };
  if (usage) out.usageMetadata = usage;
  return out;
}
