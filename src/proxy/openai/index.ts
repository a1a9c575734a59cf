/**
 * The OpenAI Chat Completions provider: OpenAI, Azure OpenAI, OpenRouter, Ollama, vLLM, llama.cpp,
 * Groq, DeepSeek and any server that speaks `POST {baseUrl}/chat/completions`. Pure translation;
 * the proxy server sends, retries and records. Numbers in brackets throughout this folder are the
 * cases of /work/shared/reference/anthropic-openai-translation.md.
 */
import type { ProviderAdapter } from '../provider.js';
import { translateOpenAIError } from './errors.js';
import { withLocalStops } from '../local-stops.js';
import { buildHttpRequest, MAX_STOP_SEQUENCES, type TranslationNote } from './request.js';
import { parseChatResponse } from './response.js';
import { createChatStreamTranslator } from './stream.js';

export interface OpenAIAdapterOptions {
  /** Told what the translation left out (server tools, extra stop sequences, top_k, ...). */
  onNote?: TranslationNote;
}

export function createOpenAIAdapter(options: OpenAIAdapterOptions = {}): ProviderAdapter {
  const note = options.onNote ?? (() => {});
  return withLocalStops({
    kind: 'openai',
    buildRequest: (request, target, context) => buildHttpRequest(request, target, context, note),
    parseResponse: (body, context) => parseChatResponse(body, context),
    createStreamTranslator: (context) => createChatStreamTranslator(context),
    translateError: (status, bodyText) => translateOpenAIError(status, bodyText),
  }, MAX_STOP_SEQUENCES);
}

export const openaiAdapter: ProviderAdapter = createOpenAIAdapter();

export { OpenAITranslationError } from './errors.js';
export { buildChatRequest, MAX_STOP_SEQUENCES, type TranslationNote } from './request.js';
export { parseToolArguments, repairJsonObject, RAW_ARGUMENTS_KEY } from './json-repair.js';
