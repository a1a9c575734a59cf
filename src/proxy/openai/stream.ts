/**
 * A streamed Chat Completions response as Anthropic events. Bytes go through the shared SseParser
 * (lines and UTF-8 characters split across chunks [20]); each `data:` is parsed once and turned
 * into builder calls; AnthropicStreamBuilder keeps the event order valid (parallel tool calls [4],
 * numeric usage in message_start [12]). The message finishes on `[DONE]` or at the end of the
 * stream, never on `finish_reason`, because the usage chunk (`choices: []`) comes after it [12].
 * A stream that ends without any finish_reason was cut off: that is reported as an error event,
 * not dressed up as a complete answer.
 */
import type { StreamEvent } from '../anthropic-types.js';
import type { StreamTranslator, TranslationContext, UpstreamErrorInfo } from '../provider.js';
import { SseParser, type SseMessage } from '../sse-parser.js';
import { AnthropicStreamBuilder } from '../stream-builder.js';
import { notAStream, safe, translateErrorObject } from './errors.js';
import { longestStop, matchedStopSequence, stopReasonFor, usageFrom } from './finish.js';
import { generatedToolId, sanitizeToolId } from './ids.js';
import { ToolArgumentsStream } from './json-repair.js';
import type { ChatChoice, ChatCompletion, ChatResponseToolCall } from './wire.js';

interface ToolCallState {
  key: string | number;
  ordinal: number;
  id: string | undefined;
  name: string;
  started: boolean;
  /** Arguments that arrived before the name (rare), forwarded once the block starts. */
  pending: string;
  args: ToolArgumentsStream;
}

/** How much of a non-SSE body (an HTML or JSON error page) is kept to report it. */
const MAX_SNIFF = 16 * 1024;

export function createChatStreamTranslator(context: TranslationContext): StreamTranslator {
  return new ChatStreamTranslator(context);
}

class ChatStreamTranslator implements StreamTranslator {
  private readonly parser = new SseParser();
  private readonly builder: AnthropicStreamBuilder;
  private readonly tools = new Map<string | number, ToolCallState>();
  private readonly tailMax: number;
  private out: StreamEvent[] = [];
  private state: 'open' | 'finished' | 'failed' = 'open';
  private opened = false;
  private finishReason: string | undefined;
  private reportedStop: unknown;
  private refusal = false;
  private tail = '';
  private lastToolKey: string | number | undefined;
  private readonly indexKeys = new Map<number, string | number>();
  /** Until the first SSE event, the raw text is kept in case the body is not SSE at all [20]. */
  private sawEvent = false;
  private sniffDecoder: TextDecoder | undefined = new TextDecoder();
  private sniffed = '';

  constructor(private readonly context: TranslationContext) {
    this.builder = new AnthropicStreamBuilder({ id: context.messageId, model: context.requestModel, inputTokens: context.estimatedInputTokens });
    this.tailMax = longestStop(context.stopSequences);
  }

  push(chunk: Uint8Array): StreamEvent[] {
    if (this.state !== 'open') return [];
    if (this.sniffDecoder !== undefined && this.sniffed.length < MAX_SNIFF) this.sniffed += this.sniffDecoder.decode(chunk, { stream: true });
    for (const message of this.parser.push(chunk)) this.handle(message);
    return this.take();
  }

  end(): StreamEvent[] {
    if (this.state === 'open') for (const message of this.parser.end()) this.handle(message);
    if (this.state === 'open') {
      if (this.finishReason !== undefined) this.finish();
      else if (!this.sawEvent) this.fail(this.notSse());
      else this.fail({ status: 502, type: 'api_error', message: 'Upstream provider closed the stream before the response was complete (no finish_reason)' });
    }
    return this.take();
  }

  private handle(message: SseMessage): void {
    if (this.state !== 'open') return;
    if (!this.sawEvent) { this.sawEvent = true; this.sniffDecoder = undefined; this.sniffed = ''; }
    const data = message.data;
    if (data.length === 0) return;
    // Compare without trimming every chunk: only a line starting with '[' can be the sentinel.
    if (data.charCodeAt(0) === 91 /* [ */ && data.trimEnd() === '[DONE]') { this.finish(); return; }
    let chunk: ChatCompletion;
    try {
      chunk = JSON.parse(data) as ChatCompletion;
    } catch {
      this.fail({ status: 502, type: 'api_error', message: safe(`Upstream provider sent a stream event that is not JSON: ${data.slice(0, 200)}`) });
      return;
    }
    if (typeof chunk !== 'object' || chunk === null) return;
    if (chunk.error !== undefined && chunk.error !== null) { this.fail(translateErrorObject(chunk.error)); return; }
    if (message.event === 'error') { this.fail(translateErrorObject(chunk)); return; }
    // Usage first: a server that reports it on every chunk gives message_start real numbers.
    if (chunk.usage) this.builder.updateUsage(usageFrom(chunk.usage));
    this.builder.messageStart();
    const choice = chunk.choices?.find((c) => (c.index ?? 0) === 0);
    if (choice !== undefined) this.choice(choice);
    this.collect();
  }

  private choice(choice: ChatChoice): void {
    const delta = choice.delta ?? choice.message ?? {};
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === 'string') this.builder.thinking(reasoning);
    if (typeof delta.content === 'string' && delta.content.length > 0) {
      this.builder.text(delta.content);
      if (this.tailMax > 0) this.tail = (this.tail + delta.content).slice(-this.tailMax);
    }
    if (typeof delta.refusal === 'string' && delta.refusal.length > 0) { this.refusal = true; this.builder.text(delta.refusal); }
    if (Array.isArray(delta.tool_calls)) for (const call of delta.tool_calls) this.toolCall(call);
    if (typeof choice.finish_reason === 'string') {
      this.finishReason = choice.finish_reason;
      this.reportedStop = choice.stop_reason;
    }
  }

  /** [4] Each `index` is its own tool call, however the deltas of several calls interleave. */
  private toolCall(call: ChatResponseToolCall): void {
    const key = this.toolKey(call);
    this.lastToolKey = key;
    let tool = this.tools.get(key);
    if (tool === undefined) {
      tool = { key, ordinal: this.tools.size, id: undefined, name: '', started: false, pending: '', args: new ToolArgumentsStream() };
      this.tools.set(key, tool);
    }
    if (tool.id === undefined && typeof call.id === 'string' && call.id.length > 0) tool.id = call.id;
    const name = call.function?.name;
    if (tool.name.length === 0 && typeof name === 'string') tool.name = name;
    if (!tool.started && tool.name.length > 0) this.startTool(tool);
    const args = call.function?.arguments;
    const text = typeof args === 'string' ? args : args !== undefined && args !== null ? JSON.stringify(args) : '';
    if (text.length === 0) return;
    const forward = tool.args.push(text);
    if (forward.length === 0) return;
    if (tool.started) this.builder.toolArguments(key, forward);
    else tool.pending += forward;
  }

  /**
   * Which call a delta belongs to: by `index`; by `id` when a server sends no index (Gemini's
   * OpenAI endpoint); else the last call. A new id at an index already used by another id is a new
   * call: some servers (older Ollama) send every complete call at index 0.
   */
  private toolKey(call: ChatResponseToolCall): string | number {
    const id = typeof call.id === 'string' && call.id.length > 0 ? call.id : undefined;
    if (typeof call.index !== 'number') return id !== undefined ? `id:${id}` : this.lastToolKey ?? 0;
    const key = this.indexKeys.get(call.index) ?? call.index;
    const existing = this.tools.get(key);
    if (id === undefined || existing?.id === undefined || existing.id === id) return key;
    const fresh = `id:${id}`;
    this.indexKeys.set(call.index, fresh);
    return fresh;
  }

  private startTool(tool: ToolCallState): void {
    tool.started = true;
    const id = tool.id !== undefined ? sanitizeToolId(tool.id) : generatedToolId(this.context.messageId, tool.ordinal);
    this.builder.toolStart(tool.key, id, this.context.toolNames.fromUpstream(tool.name));
    if (tool.pending.length > 0) { this.builder.toolArguments(tool.key, tool.pending); tool.pending = ''; }
  }

  private finish(): void {
    if (this.state !== 'open') return;
    if (this.finishReason === 'error') {
      // OpenRouter's finish_reason for a generation that failed upstream, when no error object came.
      this.fail({ status: 502, type: 'api_error', message: 'Upstream provider ended the response with finish_reason "error"' });
      return;
    }
    for (const tool of this.tools.values()) {
      if (!tool.started) this.startTool(tool);
      const rest = tool.args.end(); // [21] repaired only when the arguments need it
      if (rest.length > 0) this.builder.toolArguments(tool.key, rest);
    }
    const matched = matchedStopSequence(this.finishReason, this.tail, this.context.stopSequences, this.reportedStop);
    const stopReason = this.refusal ? 'refusal' : stopReasonFor(this.finishReason, matched, this.tools.size > 0);
    this.builder.messageStart();
    this.collect();
    if (!this.opened) {
      // [11] never an empty content: an empty text block, as Anthropic itself sends.
      this.out.push({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
      this.out.push({ type: 'content_block_stop', index: 0 });
    }
    this.builder.finish(stopReason, stopReason === 'stop_sequence' ? matched : null);
    this.collect();
    this.state = 'finished';
  }

  /** [15] An error inside a started stream is an `error` event; nothing follows it. */
  private fail(info: UpstreamErrorInfo): void {
    this.collect();
    this.out.push({ type: 'error', error: { type: info.type, message: info.message } });
    this.state = 'failed';
  }

  /** The body was not SSE: an HTML page or a JSON error sent with a success status [20]. */
  private notSse(): UpstreamErrorInfo {
    const text = this.sniffed + (this.sniffDecoder?.decode() ?? '');
    const trimmed = text.trim();
    if (trimmed.startsWith('{')) {
      try {
        const body = JSON.parse(trimmed) as { error?: unknown };
        if (body.error !== undefined && body.error !== null) return translateErrorObject(body.error);
      } catch {
        // reported as text below
      }
    }
    if (trimmed.length === 0) return { status: 502, type: 'api_error', message: 'Upstream provider closed the stream without sending anything' };
    return notAStream(text);
  }

  private collect(): void {
    for (const event of this.builder.drain()) {
      if (event.type === 'content_block_start') this.opened = true;
      this.out.push(event);
    }
  }

  private take(): StreamEvent[] {
    const events = this.out;
    this.out = [];
    return events;
  }
}
