/**
 * Builds a valid Anthropic event sequence from whatever order an upstream produces deltas in.
 * Every provider translator writes through this one class, so the guarantees live in one place:
 *  - `message_start` first, always with numeric usage (a missing input_tokens crashes Claude Code);
 *  - blocks strictly one after another, as Anthropic itself streams them: start, deltas, stop;
 *    never a delta for a block after its stop, never two blocks open at once;
 *  - parallel tool calls whose deltas interleave (OpenAI's `tool_calls[].index`) each get their own
 *    block: the first streams live, the others are held and emitted whole when it closes;
 *  - `message_delta` with stop_reason and usage, then `message_stop`, exactly once.
 */
import type { ContentBlock, StopReason, StreamEvent, Usage } from './anthropic-types.js';

type ToolKey = string | number;

interface OpenBlock {
  index: number;
  kind: 'text' | 'thinking' | 'tool_use';
  toolKey?: ToolKey;
}

interface HeldTool {
  key: ToolKey;
  id: string;
  name: string;
  args: string;
}

export interface StreamStart {
  id: string;
  model: string;
  inputTokens: number;
  cacheReadInputTokens?: number;
}

export class AnthropicStreamBuilder {
  private nextIndex = 0;
  private started = false;
  private finished = false;
  private current: OpenBlock | undefined;
  private readonly heldTools: HeldTool[] = [];
  private heldText = '';
  /** Thinking that arrives while a tool call streams, like text, is held rather than dropped. */
  private heldThinking = '';
  private heldSignature = '';
  private readonly out: StreamEvent[] = [];
  private usage: Usage;

  constructor(private readonly start: StreamStart) {
    this.usage = { input_tokens: start.inputTokens, output_tokens: 0 };
    if (start.cacheReadInputTokens !== undefined) this.usage.cache_read_input_tokens = start.cacheReadInputTokens;
  }

  get hasStarted(): boolean { return this.started; }
  get isFinished(): boolean { return this.finished; }
  get currentUsage(): Usage { return { ...this.usage }; }

  /** Events produced since the last call. */
  drain(): StreamEvent[] {
    return this.out.splice(0, this.out.length);
  }

  messageStart(): void {
    if (this.started) return;
    this.started = true;
    this.out.push({
      type: 'message_start',
      message: {
        id: this.start.id,
        type: 'message',
        role: 'assistant',
        model: this.start.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...this.usage },
      },
    });
  }

  text(delta: string): void {
    if (delta.length === 0 || this.finished) return;
    this.messageStart();
    // Text after a tool call has started is rare; hold it rather than break the tool block.
    if (this.current?.kind === 'tool_use') { this.heldText += delta; return; }
    if (this.current?.kind !== 'text') { this.close(); this.open('text', { type: 'text', text: '' }); }
    this.emitDelta({ type: 'text_delta', text: delta });
  }

  thinking(delta: string): void {
    if (delta.length === 0 || this.finished) return;
    this.messageStart();
    if (this.current?.kind === 'tool_use') { this.heldThinking += delta; return; }
    if (this.current?.kind !== 'thinking') { this.close(); this.open('thinking', { type: 'thinking', thinking: '', signature: '' }); }
    this.emitDelta({ type: 'thinking_delta', thinking: delta });
  }

  /** A signature for the current thinking block (an empty one is opened if there is none). */
  thinkingSignature(signature: string): void {
    if (this.finished) return;
    this.messageStart();
    if (this.current?.kind === 'tool_use') { this.heldSignature += signature; return; }
    if (this.current?.kind !== 'thinking') { this.close(); this.open('thinking', { type: 'thinking', thinking: '', signature: '' }); }
    this.emitDelta({ type: 'signature_delta', signature });
  }

  /** Starts a tool call for `key`; a second call for a known key is ignored. */
  toolStart(key: ToolKey, id: string, name: string): void {
    if (this.finished || this.hasTool(key)) return;
    this.messageStart();
    if (this.current?.kind === 'tool_use') { this.heldTools.push({ key, id, name, args: '' }); return; }
    this.close();
    this.open('tool_use', { type: 'tool_use', id, name, input: {} }, key);
  }

  hasTool(key: ToolKey): boolean {
    return this.current?.toolKey === key || this.heldTools.some((t) => t.key === key);
  }

  toolArguments(key: ToolKey, partialJson: string): void {
    if (partialJson.length === 0 || this.finished) return;
    if (this.current?.toolKey === key) { this.emitDelta({ type: 'input_json_delta', partial_json: partialJson }); return; }
    const held = this.heldTools.find((t) => t.key === key);
    if (held) held.args += partialJson;
  }

  /** Usage as the upstream reports it; the last report wins for each field. */
  updateUsage(usage: Partial<Usage>): void {
    this.usage = { ...this.usage, ...usage };
  }

  finish(stopReason: StopReason | null, stopSequence: string | null = null): void {
    if (this.finished) return;
    this.messageStart();
    this.close();
    for (const tool of this.heldTools.splice(0)) {
      this.open('tool_use', { type: 'tool_use', id: tool.id, name: tool.name, input: {} }, tool.key);
      if (tool.args.length > 0) this.emitDelta({ type: 'input_json_delta', partial_json: tool.args });
      this.close();
    }
    if (this.heldThinking.length > 0 || this.heldSignature.length > 0) {
      this.open('thinking', { type: 'thinking', thinking: '', signature: '' });
      if (this.heldThinking.length > 0) this.emitDelta({ type: 'thinking_delta', thinking: this.heldThinking });
      if (this.heldSignature.length > 0) this.emitDelta({ type: 'signature_delta', signature: this.heldSignature });
      this.heldThinking = '';
      this.heldSignature = '';
      this.close();
    }
    if (this.heldText.length > 0) {
      this.open('text', { type: 'text', text: '' });
      this.emitDelta({ type: 'text_delta', text: this.heldText });
      this.heldText = '';
      this.close();
    }
    this.finished = true;
    const usage: Partial<Usage> & { output_tokens: number } = {
      input_tokens: this.usage.input_tokens,
      output_tokens: this.usage.output_tokens,
    };
    if (this.usage.cache_read_input_tokens !== undefined) usage.cache_read_input_tokens = this.usage.cache_read_input_tokens;
    if (this.usage.cache_creation_input_tokens !== undefined) usage.cache_creation_input_tokens = this.usage.cache_creation_input_tokens;
    this.out.push({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: stopSequence }, usage });
    this.out.push({ type: 'message_stop' });
  }

  private open(kind: OpenBlock['kind'], contentBlock: ContentBlock, toolKey?: ToolKey): void {
    this.current = { index: this.nextIndex++, kind, toolKey };
    this.out.push({ type: 'content_block_start', index: this.current.index, content_block: contentBlock });
  }

  private emitDelta(delta: (StreamEvent & { type: 'content_block_delta' })['delta']): void {
    if (!this.current) return;
    this.out.push({ type: 'content_block_delta', index: this.current.index, delta });
  }

  private close(): void {
    if (!this.current) return;
    this.out.push({ type: 'content_block_stop', index: this.current.index });
    this.current = undefined;
  }
}

/** Serialises one event as the API sends it: `event: <type>\ndata: <json>\n\n`. */
export function formatSseEvent(event: StreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
