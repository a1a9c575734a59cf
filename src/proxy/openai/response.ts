/**
 * A whole Chat Completions response as an Anthropic message. Blocks come in Anthropic's order:
 * thinking [17], text, then one tool_use per call [4]; content is never empty [11].
 */
import type { ContentBlock, MessagesResponse } from '../anthropic-types.js';
import type { TranslationContext } from '../provider.js';
import { OpenAITranslationError, translateErrorObject } from './errors.js';
import { matchedStopSequence, stopReasonFor, usageFrom } from './finish.js';
import { generatedToolId, sanitizeToolId } from './ids.js';
import { parseToolArguments } from './json-repair.js';
import type { ChatCompletion, ChatResponseMessage, ChatResponseToolCall } from './wire.js';

export function parseChatResponse(body: unknown, context: TranslationContext): MessagesResponse {
  if (typeof body !== 'object' || body === null) {
    throw new OpenAITranslationError({ status: 502, type: 'api_error', message: 'Upstream provider returned a response that is not a JSON object' });
  }
  const completion = body as ChatCompletion;
  // OpenRouter and others report some failures inside a 200 body.
  if (completion.error !== undefined && completion.error !== null) throw new OpenAITranslationError(translateErrorObject(completion.error));
  const choice = completion.choices?.[0];
  if (choice === undefined) {
    throw new OpenAITranslationError({ status: 502, type: 'api_error', message: 'Upstream provider returned a response without choices' });
  }
  const message: ChatResponseMessage = choice.message ?? {};
  const content: ContentBlock[] = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (typeof reasoning === 'string' && reasoning.length > 0) content.push({ type: 'thinking', thinking: reasoning, signature: '' });
  const text = messageText(message);
  if (text.length > 0) content.push({ type: 'text', text });
  const refusal = typeof message.refusal === 'string' && message.refusal.length > 0 ? message.refusal : undefined;
  if (refusal !== undefined) content.push({ type: 'text', text: refusal });
  const calls: ChatResponseToolCall[] = [...(message.tool_calls ?? [])];
  if (message.function_call) calls.push({ function: message.function_call }); // the pre-tools API
  calls.forEach((call, index) => {
    content.push({
      type: 'tool_use',
      id: call.id !== undefined && call.id.length > 0 ? sanitizeToolId(call.id) : generatedToolId(context.messageId, index),
      name: context.toolNames.fromUpstream(call.function?.name ?? ''),
      input: parseToolArguments(call.function?.arguments),
    });
  });
  if (content.length === 0) content.push({ type: 'text', text: '' });
  const matched = matchedStopSequence(choice.finish_reason, text, context.stopSequences, choice.stop_reason);
  const stopReason = refusal !== undefined ? 'refusal' : stopReasonFor(choice.finish_reason, matched, calls.length > 0);
  const usage = usageFrom(completion.usage ?? {});
  return {
    id: context.messageId,
    type: 'message',
    role: 'assistant',
    model: context.requestModel,
    content,
    stop_reason: stopReason,
    stop_sequence: stopReason === 'stop_sequence' ? matched : null,
    usage: {
      input_tokens: usage.input_tokens ?? context.estimatedInputTokens,
      output_tokens: usage.output_tokens ?? 0,
      ...(usage.cache_read_input_tokens !== undefined ? { cache_read_input_tokens: usage.cache_read_input_tokens } : {}),
    },
  };
}

/** `content` is a string on OpenAI, an array of text parts on a few compatible servers. */
function messageText(message: ChatResponseMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part.text === 'string' ? part.text : '')).join('');
  return '';
}
