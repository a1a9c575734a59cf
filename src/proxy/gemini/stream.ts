/**
 * `streamGenerateContent?alt=sse` → Anthropic stream events. Each SSE `data:` is a whole
 * GenerateContentResponse: text arrives in pieces, a function call whole in one chunk (several
 * in one chunk when parallel), thought summaries before the answer, usage in every chunk with
 * the final counts in the last, next to `finishReason`. A 200 stream can still carry an
 * `{"error": …}` object; it becomes an Anthropic `error` event and ends the stream.
 * Bytes go through SseParser (any cut, including inside a UTF-8 character) and events through
 * AnthropicStreamBuilder, which keeps the sequence valid.
 */
import type { ErrorType, StreamEvent } from '../anthropic-types.js';
import type { StreamTranslator, TranslationContext } from '../provider.js';
import { SseParser } from '../sse-parser.js';
import { AnthropicStreamBuilder } from '../stream-builder.js';
import { translateGeminiError } from './errors.js';
import { blockedPromptText, mapFinish, statedUsage } from './finish.js';
import { PartReader, type BlockSink } from './parts.js';
import { emptyAnswerText } from './response.js';
import type { GeminiResponse } from './types.js';

export function createGeminiStreamTranslator(context: TranslationContext): StreamTranslator {
  const parser = new SseParser();
  let builder: AnthropicStreamBuilder | undefined;
  let reader: PartReader | undefined;
  /** Any block written; and a text or tool_use block written (thinking alone is no answer). */
  let wroteBlock = false;
  let wroteAnswer = false;
  let finishReason: string | undefined;
  let finishMessage: string | undefined;
  let failed = false;
  let blockedPrompt: string | undefined;
  const pending: StreamEvent[] = [];

  const sink: BlockSink = {
    thinking: (text) => { if (text) { wroteBlock = true; builder?.thinking(text); } },
    signature: (signature) => { wroteBlock = true; builder?.thinkingSignature(signature); },
    text: (text) => { if (text) { wroteBlock = wroteAnswer = true; builder?.text(text); } },
    tool: (id, name, input) => {
      wroteBlock = wroteAnswer = true;
      builder?.toolStart(id, id, name);
      builder?.toolArguments(id, JSON.stringify(input));
    },
  };

  /** Created on the first chunk, so message_start carries Gemini's prompt count when it has one. */
  function start(chunk: GeminiResponse | undefined): AnthropicStreamBuilder {
    if (builder) return builder;
    const usage = statedUsage(chunk?.usageMetadata);
    builder = new AnthropicStreamBuilder({
      id: context.messageId,
      model: context.requestModel,
      inputTokens: usage.input_tokens ?? context.estimatedInputTokens,
      cacheReadInputTokens: usage.cache_read_input_tokens,
    });
    reader = new PartReader(sink, context.toolNames, context.stopSequences);
    builder.messageStart();
    return builder;
  }

  /** An error event ends the stream, after whatever was already translated (as Anthropic does). */
  function fail(type: ErrorType, message: string): void {
    if (builder) pending.push(...builder.drain());
    pending.push({ type: 'error', error: { type, message } });
    failed = true;
  }

  function onChunk(data: string): void {
    if (failed || builder?.isFinished) return;
    let chunk: GeminiResponse;
    try {
      chunk = JSON.parse(data) as GeminiResponse;
    } catch {
      fail('api_error', `Gemini sent a stream event that is not JSON: ${data.slice(0, 200)}`);
      return;
    }
    if (chunk.error) {
      const info = translateGeminiError(chunk.error.code ?? 500, JSON.stringify({ error: chunk.error }));
      fail(info.type, info.message);
      return;
    }
    const b = start(chunk);
    b.updateUsage(statedUsage(chunk.usageMetadata));
    const candidate = chunk.candidates?.[0];
    reader?.read(candidate?.content?.parts ?? []);
    if (candidate?.finishReason) { finishReason = candidate.finishReason; finishMessage = candidate.finishMessage; }
    const blockReason = chunk.promptFeedback?.blockReason;
    if (!candidate && blockReason) blockedPrompt = blockedPromptText(blockReason, chunk.promptFeedback?.blockReasonMessage);
  }

  function finish(): void {
    if (failed) return;
    const b = start(undefined);
    if (b.isFinished || !reader) return;
    reader.flushTextSignature();
    if (blockedPrompt !== undefined) {
      b.text(blockedPrompt);
      b.finish('refusal');
      return;
    }
    const outcome = mapFinish(finishReason, {
      hasToolCalls: reader.hasToolCalls,
      textTail: reader.textTail,
      stopSequences: context.stopSequences,
      finishMessage,
    });
    if (outcome.kind === 'error') { fail('api_error', outcome.message); return; }
    // Never an empty content, and a filtered answer says why (emptyAnswerText). The empty text
    // block is written by hand because the builder skips empty text.
    if (!wroteAnswer && outcome.stopReason === 'refusal') b.text(emptyAnswerText('refusal', finishReason));
    else if (!wroteBlock) {
      pending.push(...b.drain());
      pending.push({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, { type: 'content_block_stop', index: 0 });
    }
    b.finish(outcome.stopReason, outcome.stopSequence);
  }

  function collect(): StreamEvent[] {
    const out = pending.splice(0);
    if (builder && !failed) out.push(...builder.drain());
    return out;
  }

  return {
    push(bytes) {
      for (const message of parser.push(bytes)) onChunk(message.data);
      return collect();
    },
    end() {
      for (const message of parser.end()) onChunk(message.data);
      finish();
      return collect();
    },
  };
}
