/**
 * The seam between the proxy's HTTP layer and each provider's wire format. An adapter is pure
 * translation: it builds the upstream HTTP request from an Anthropic request and turns the
 * upstream's answer (whole or streamed bytes) back into Anthropic shapes. Sending, retrying,
 * rate limiting and recording usage live in the proxy server, once for every provider.
 */
import type { ErrorBody, ErrorType, MessagesRequest, MessagesResponse, StreamEvent } from './anthropic-types.js';
import type { KeySource } from './keys/source.js';

export type ProviderKind = 'openai' | 'gemini' | 'anthropic';

export interface ProviderConfig {
  /** The name used in routes: `openrouter,anthropic/claude-sonnet-4`. */
  name: string;
  kind: ProviderKind;
  /** e.g. https://api.openai.com/v1, https://generativelanguage.googleapis.com/v1beta */
  baseUrl: string;
  /** Resolved key; never logged, never echoed in errors. */
  apiKey?: string;
  /**
   * A key fetched when a request needs it (`"apiKey": "cmd:…"`), instead of `apiKey`; the proxy
   * server hands adapters a copy of the provider with `apiKey` filled in.
   */
  keySource?: KeySource;
  /** Where the key comes from, for messages (`the variable OPENAI_API_KEY`); never the key. */
  keyOrigin?: string;
  /**
   * The environment variable the key is read from (`apiKeyEnv`, `"${NAME}"` or the kind's
   * default), so that `patchbay claude` can keep it out of Claude Code's environment.
   */
  keyVariable?: string;
  /** Extra headers for every upstream request (e.g. OpenRouter's HTTP-Referer). */
  headers?: Record<string, string>;
  /** Provider quirks the translation must respect. */
  quirks?: ProviderQuirks;
}

export interface ProviderQuirks {
  /** Server accepts `top_k` (vLLM, OpenRouter). */
  acceptsTopK?: boolean;
  /** Reject `cache_control`-like extras (default true for OpenAI-compatible). */
  dropCacheControl?: boolean;
  /** DeepSeek-style `reasoning_content` must be sent back on assistant turns. */
  sendsReasoningContent?: boolean;
  /** Azure OpenAI: `api-key` header and `?api-version=` instead of Bearer. */
  azureApiVersion?: string;
}

export interface UpstreamTarget {
  provider: ProviderConfig;
  /** The provider's own model name. */
  model: string;
}

export interface HttpRequestSpec {
  url: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: string;
  /** The body already encoded as UTF-8; when present, the proxy sends these bytes (`body` is their text). */
  bytes?: Buffer;
}

/** Per-request state shared by the request, response and stream translations of one call. */
export interface TranslationContext {
  /** The model name the client asked for; echoed back in responses. */
  requestModel: string;
  /** `msg_…`, unique per message. */
  messageId: string;
  /** Input-token estimate, used in message_start until the upstream reports real usage. */
  estimatedInputTokens: number;
  /** Tool names shortened for the upstream (64-char limits) map back through this. */
  toolNames: ToolNameMap;
  /** The request's stop_sequences, to recover which one matched. */
  stopSequences?: string[];
}

export interface ToolNameMap {
  toUpstream(name: string): string;
  fromUpstream(name: string): string;
}

export interface StreamTranslator {
  /** Raw upstream bytes in; Anthropic events out (possibly none). */
  push(chunk: Uint8Array): StreamEvent[];
  /** Upstream closed the stream; flush and finish the message if it has not finished. */
  end(): StreamEvent[];
  /**
   * True once the message ended before the upstream's answer did (a stop sequence Patchbay
   * enforces itself): the rest of the upstream body is unwanted, and the request is cancelled.
   */
  readonly stoppedEarly?: boolean;
}

export interface UpstreamErrorInfo {
  status: number;
  type: ErrorType;
  message: string;
  /**
   * How long the provider asked to wait, read from the error body (Gemini's RetryInfo), for when
   * the response carries no `retry-after` header. The header wins when both are there.
   */
  retryAfterMs?: number;
}

export interface ProviderAdapter {
  readonly kind: ProviderKind;
  buildRequest(request: MessagesRequest, target: UpstreamTarget, context: TranslationContext): HttpRequestSpec;
  parseResponse(body: unknown, context: TranslationContext): MessagesResponse;
  createStreamTranslator(context: TranslationContext): StreamTranslator;
  /** An upstream error (JSON, HTML or empty body) in Anthropic's terms, with the status to return. */
  translateError(status: number, bodyText: string): UpstreamErrorInfo;
}

export function errorBody(type: ErrorType, message: string): ErrorBody {
  return { type: 'error', error: { type, message } };
}
