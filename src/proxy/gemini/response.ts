/**
 * A whole `generateContent` response → an Anthropic message. Only the first candidate is read
 * (the proxy never asks for more). The content is never empty: a response with nothing to show
 * gets one text block, as clients index `content[0]`.
 */
import type { ContentBlock, MessagesResponse } from '../anthropic-types.js';
import type { TranslationContext } from '../provider.js';
import { GeminiOutputError, translateGeminiError } from './errors.js';
import { blockedPromptText, mapFinish, toUsage } from './finish.js';
import { PartReader, type BlockSink } from './parts.js';
import type { GeminiResponse } from './types.js';

export function parseGeminiResponse(body: unknown, context: TranslationContext): MessagesResponse {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new GeminiOutputError({ status: 502, type: 'api_error', message: 'Gemini answered with a body that is not a GenerateContentResponse object.' });
  }
  const response = body as GeminiResponse;
  if (response.error) throw new GeminiOutputError(translateGeminiError(response.error.code ?? 500, JSON.stringify({ error: response.error })));

  const collector = new ContentCollector();
  const reader = new PartReader(collector, context.toolNames, context.stopSequences);
  const candidate = response.candidates?.[0];
  const usage = toUsage(response.usageMetadata) ?? { input_tokens: context.estimatedInputTokens, output_tokens: 0 };
  const message: MessagesResponse = {
    id: context.messageId,
    type: 'message',
    role: 'assistant',
    model: context.requestModel,
    content: collector.blocks,
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage,
  };

  const blockReason = response.promptFeedback?.blockReason;
  if (!candidate && blockReason) {
    collector.text(blockedPromptText(blockReason, response.promptFeedback?.blockReasonMessage));
    message.stop_reason = 'refusal';
    return message;
  }

  reader.read(candidate?.content?.parts ?? []);
  reader.flushTextSignature();
  const outcome = mapFinish(candidate?.finishReason, {
    hasToolCalls: reader.hasToolCalls,
    textTail: reader.textTail,
    stopSequences: context.stopSequences,
    finishMessage: candidate?.finishMessage,
  });
  if (outcome.kind === 'error') throw new GeminiOutputError({ status: 500, type: 'api_error', message: outcome.message });
  message.stop_reason = outcome.stopReason;
  message.stop_sequence = outcome.stopSequence;
  // Thinking alone is no answer: a refusal after thoughts still gets its reason as text.
  const hasAnswer = collector.blocks.some((b) => b.type === 'text' || b.type === 'tool_use');
  if (!hasAnswer && outcome.stopReason === 'refusal') collector.text(emptyAnswerText('refusal', candidate?.finishReason));
  else if (collector.blocks.length === 0) collector.blocks.push({ type: 'text', text: '' });
  return message;
}

/** What an answer without text says: nothing, unless a filter withheld it (the client shows why). */
export function emptyAnswerText(stopReason: string, finishReason: string | undefined): string {
  return stopReason === 'refusal' ? `Gemini withheld the answer (${finishReason ?? 'blocked'}).` : '';
}

/** Builds the content array with the same block boundaries the stream builder produces. */
class ContentCollector implements BlockSink {
  readonly blocks: ContentBlock[] = [];

  thinking(text: string): void {
    if (text.length === 0) return;
    const last = this.blocks[this.blocks.length - 1];
    if (last?.type === 'thinking' && !last.signature) last.thinking += text;
    else this.blocks.push({ type: 'thinking', thinking: text, signature: '' });
  }

  signature(signature: string): void {
    const last = this.blocks[this.blocks.length - 1];
    if (last?.type === 'thinking' && !last.signature) last.signature = signature;
    else this.blocks.push({ type: 'thinking', thinking: '', signature });
  }

  text(text: string): void {
    if (text.length === 0) return;
    const last = this.blocks[this.blocks.length - 1];
    if (last?.type === 'text') last.text += text;
    else this.blocks.push({ type: 'text', text });
  }

  tool(id: string, name: string, input: Record<string, unknown>): void {
    this.blocks.push({ type: 'tool_use', id, name, input });
  }
}
