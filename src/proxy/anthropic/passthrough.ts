/**
 * Anthropic itself, passed through untouched: the request body goes upstream as the bytes the
 * client sent (re-serialised only when routing picked another model name), the client's headers
 * go along (anthropic-version, anthropic-beta, x-stainless-*, …) except hop-by-hop ones and the
 * client's credential, which is replaced by the provider's key: the Patchbay key never leaves.
 * Responses stream back byte for byte; `createUsageTap` reads usage on the side for accounting.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorType, Message, MessagesRequest } from '../anthropic-types.js';
import { isGeminiSignature } from '../gemini/signature.js';
import type { UpstreamErrorInfo, UpstreamTarget } from '../provider.js';
import { SseParser } from '../sse-parser.js';
import type { UpstreamRequest } from '../server/upstream.js';

/** RFC 9110 §7.6.1 hop-by-hop headers, plus the ones the proxy itself owns. */
const DROP_REQUEST = new Set([
  'host', 'connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'content-length', 'authorization', 'x-api-key', 'x-patchbay-client',
  // Asking for identity encoding lets the usage tap read the stream; localhost bandwidth is free.
  'accept-encoding',
]);

export const DROP_RESPONSE = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'trailer', 'upgrade']);

export function buildPassthroughRequest(
  raw: Buffer,
  request: MessagesRequest,
  target: UpstreamTarget,
  clientHeaders: IncomingHttpHeaders,
  endpoint: '/v1/messages' | '/v1/messages/count_tokens',
  query: string,
): UpstreamRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(clientHeaders)) {
    if (value === undefined || DROP_REQUEST.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  headers['content-type'] = 'application/json';
  headers['anthropic-version'] ??= '2023-06-01';
  if (target.provider.apiKey) headers['x-api-key'] = target.provider.apiKey;
  Object.assign(headers, target.provider.headers);
  const foreign = hasForeignThinking(request.messages);
  const body = target.model === request.model && !foreign
    ? raw
    : JSON.stringify({ ...request, model: target.model, ...(foreign ? { messages: withoutForeignThinking(request.messages) } : {}) });
  return { url: `${target.provider.baseUrl}${endpoint}${query}`, method: 'POST', headers, body };
}

/**
 * Thinking blocks another provider produced: Gemini's (signature in Patchbay's envelope) and
 * OpenAI-compatible reasoning (empty signature). Anthropic verifies signatures and answers 400
 * to a conversation that carries these, which happens when a conversation changes route
 * (a fallback, or a scenario rule); they are dropped on the way to Anthropic.
 */
function isForeignThinking(block: { type: string; signature?: unknown }): boolean {
  return block.type === 'thinking' && (typeof block.signature !== 'string' || block.signature === '' || isGeminiSignature(block.signature));
}

export function hasForeignThinking(messages: Message[]): boolean {
  for (const message of messages) {
    if (message.role !== 'assistant' || typeof message.content === 'string') continue;
    for (const block of message.content) if (isForeignThinking(block)) return true;
  }
  return false;
}

export function withoutForeignThinking(messages: Message[]): Message[] {
  const out: Message[] = [];
  for (const message of messages) {
    if (message.role !== 'assistant' || typeof message.content === 'string') { out.push(message); continue; }
    const content = message.content.filter((block) => !isForeignThinking(block));
    if (content.length > 0) out.push({ ...message, content });
  }
  return out;
}

/** Anthropic's error bodies are already in the right shape; anything else (HTML from a load balancer) is wrapped. */
export function anthropicErrorInfo(status: number, bodyText: string, fallbackType: ErrorType): UpstreamErrorInfo {
  try {
    const parsed = JSON.parse(bodyText) as { error?: { type?: unknown; message?: unknown } };
    if (parsed.error && typeof parsed.error.type === 'string' && typeof parsed.error.message === 'string') {
      return { status, type: parsed.error.type as ErrorType, message: parsed.error.message };
    }
  } catch {
    // not JSON: fall through
  }
  const excerpt = bodyText.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
  return { status, type: fallbackType, message: `Anthropic answered HTTP ${status}${excerpt ? `: ${excerpt}` : ''}` };
}

export interface TappedUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/**
 * Watches an Anthropic SSE stream for usage without touching the bytes that go to the client.
 * Only `message_start` and `message_delta` payloads are parsed; deltas are skipped unparsed.
 */
export function createUsageTap(): { push(chunk: Uint8Array): void; usage: TappedUsage; readonly sawError: boolean } {
  const parser = new SseParser();
  const usage: TappedUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  let sawError = false;
  return {
    usage,
    get sawError() { return sawError; },
    push(chunk) {
      for (const message of parser.push(chunk)) {
        if (message.event === 'message_start') {
          try {
            applyUsage(usage, (JSON.parse(message.data) as { message?: { usage?: RawUsage } }).message?.usage);
          } catch { /* a malformed event is the client's to see; accounting just skips it */ }
        } else if (message.event === 'message_delta') {
          try { applyUsage(usage, (JSON.parse(message.data) as { usage?: RawUsage }).usage); } catch { /* as above */ }
        } else if (message.event === 'error') {
          sawError = true;
        }
      }
    },
  };
}

interface RawUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

export function applyUsage(target: TappedUsage, usage: RawUsage | undefined): void {
  if (!usage) return;
  if (typeof usage.input_tokens === 'number') target.inputTokens = usage.input_tokens;
  if (typeof usage.output_tokens === 'number') target.outputTokens = usage.output_tokens;
  if (typeof usage.cache_read_input_tokens === 'number') target.cacheReadTokens = usage.cache_read_input_tokens;
  if (typeof usage.cache_creation_input_tokens === 'number') target.cacheWriteTokens = usage.cache_creation_input_tokens;
}
