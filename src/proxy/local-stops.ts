/**
 * Stop sequences past a provider's limit, enforced by Patchbay. OpenAI-compatible APIs take at
 * most 4 stop sequences and Gemini 5 (translation reference [6]); Anthropic takes many more, and a
 * client that sends 6 expects all 6 to stop the answer. The first N go upstream as usual; the rest
 * are watched for here, in the translated answer: at the first match the text is cut before it,
 * later blocks are dropped, and the message ends with `stop_reason: "stop_sequence"` and the
 * sequence that matched — what Anthropic itself would have sent.
 *
 * Streams are guarded at the level of Anthropic events, after the provider's translator, so one
 * guard serves every provider. A text block's last (longest stop − 1) characters are held back
 * until the next delta shows they do not start a stop sequence.
 */
import type { ContentBlock, MessagesResponse, StreamEvent } from './anthropic-types.js';
import type { ProviderAdapter, StreamTranslator, TranslationContext } from './provider.js';
import { estimateTextTokens } from './tokens/estimate.js';

/** The stop sequences a provider will not enforce: the non-empty ones past its first `limit`. */
export function localStops(stopSequences: readonly string[] | undefined, limit: number): string[] {
  if (stopSequences === undefined || stopSequences.length <= limit) return [];
  return stopSequences.filter((s) => s.length > 0).slice(limit);
}

/** The earliest match in `text` (the one whose end comes first, as generation would stop there). */
export function firstStop(text: string, stops: readonly string[]): { at: number; sequence: string } | undefined {
  let best: { at: number; sequence: string } | undefined;
  for (const sequence of stops) {
    const at = text.indexOf(sequence);
    if (at !== -1 && (best === undefined || at + sequence.length < best.at + best.sequence.length)) best = { at, sequence };
  }
  return best;
}

/** Wraps an adapter so that its answers honour the stop sequences past `limit`. */
export function withLocalStops(adapter: ProviderAdapter, limit: number): ProviderAdapter {
  return {
    ...adapter,
    parseResponse(body, context) {
      const message = adapter.parseResponse(body, context);
      const stops = localStops(context.stopSequences, limit);
      return stops.length === 0 ? message : cutMessage(message, stops);
    },
    createStreamTranslator(context: TranslationContext) {
      const inner = adapter.createStreamTranslator(context);
      const stops = localStops(context.stopSequences, limit);
      return stops.length === 0 ? inner : new StopGuard(inner, stops);
    },
  };
}

function cutMessage(message: MessagesResponse, stops: readonly string[]): MessagesResponse {
  if (message.stop_reason === 'refusal') return message;
  const content: ContentBlock[] = [];
  for (const block of message.content) {
    const match = block.type === 'text' ? firstStop(block.text, stops) : undefined;
    if (block.type !== 'text' || match === undefined) { content.push(block); continue; }
    if (match.at > 0 || content.length === 0) content.push({ ...block, text: block.text.slice(0, match.at) });
    return { ...message, content, stop_reason: 'stop_sequence', stop_sequence: match.sequence };
  }
  return message;
}

/** Does not split a UTF-16 surrogate pair: a held-back tail starts on a whole character. */
function safeCut(text: string, at: number): number {
  if (at <= 0) return 0;
  const code = text.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}

class StopGuard implements StreamTranslator {
  stoppedEarly = false;
  private readonly hold: number;
  private textIndex: number | undefined;
  private held = '';
  private outputTokens = 0;

  constructor(private readonly inner: StreamTranslator, private readonly stops: readonly string[]) {
    this.hold = Math.max(...stops.map((s) => s.length)) - 1;
  }

  push(chunk: Uint8Array): StreamEvent[] {
    return this.stoppedEarly ? [] : this.guard(this.inner.push(chunk));
  }

  end(): StreamEvent[] {
    return this.stoppedEarly ? [] : this.guard(this.inner.end());
  }

  private guard(events: StreamEvent[]): StreamEvent[] {
    const out: StreamEvent[] = [];
    for (const event of events) {
      if (this.stoppedEarly) break;
      if (event.type === 'content_block_start') {
        this.textIndex = event.content_block.type === 'text' ? event.index : undefined;
        out.push(event);
      } else if (event.type === 'content_block_delta' && event.delta.type === 'text_delta' && event.index === this.textIndex) {
        this.text(event.index, event.delta.text, out);
      } else if (event.type === 'content_block_stop' && event.index === this.textIndex) {
        if (this.held.length > 0) this.emit(event.index, this.held, out);
        this.held = '';
        this.textIndex = undefined;
        out.push(event);
      } else {
        if (event.type === 'content_block_delta' && event.delta.type === 'thinking_delta') this.outputTokens += estimateTextTokens(event.delta.thinking);
        out.push(event);
      }
    }
    return out;
  }

  private text(index: number, delta: string, out: StreamEvent[]): void {
    const text = this.held + delta;
    const match = firstStop(text, this.stops);
    if (match === undefined) {
      const cut = safeCut(text, text.length - this.hold);
      this.held = text.slice(cut);
      if (cut > 0) this.emit(index, text.slice(0, cut), out);
      return;
    }
    if (match.at > 0) this.emit(index, text.slice(0, match.at), out);
    this.held = '';
    this.stoppedEarly = true;
    out.push(
      { type: 'content_block_stop', index },
      // The upstream was still generating, so its usage never came: the output is estimated.
      { type: 'message_delta', delta: { stop_reason: 'stop_sequence', stop_sequence: match.sequence }, usage: { output_tokens: this.outputTokens } },
      { type: 'message_stop' },
    );
  }

  private emit(index: number, text: string, out: StreamEvent[]): void {
    this.outputTokens += estimateTextTokens(text);
    out.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
  }
}
