/**
 * The Gemini native API (v1beta `generateContent` / `streamGenerateContent?alt=sse`) behind the
 * Anthropic Messages API. Pure translation; sending, retries and usage accounting live in the
 * proxy server. A response Gemini produced but the client cannot use (a malformed function call)
 * is thrown from `parseResponse` as a GeminiOutputError whose `info` is the error to return.
 */
import type { ProviderAdapter } from '../provider.js';
import { translateGeminiError } from './errors.js';
import { withLocalStops } from '../local-stops.js';
import { buildGeminiHttpRequest, MAX_STOP_SEQUENCES } from './request.js';
import { parseGeminiResponse } from './response.js';
import { createGeminiStreamTranslator } from './stream.js';

export const geminiAdapter: ProviderAdapter = withLocalStops({
  kind: 'gemini',
  buildRequest: buildGeminiHttpRequest,
  parseResponse: parseGeminiResponse,
  createStreamTranslator: createGeminiStreamTranslator,
  translateError: translateGeminiError,
}, MAX_STOP_SEQUENCES);

export { GeminiOutputError } from './errors.js';
export { DUMMY_THOUGHT_SIGNATURE, isGeminiSignature } from './signature.js';
export { toGeminiRequest } from './request.js';
