/**
 * Gemini response parts → Anthropic content, one candidate's parts at a time. The whole-response
 * and the streamed translations both read parts through this class, so a response reads the same
 * either way: thought summaries become `thinking` blocks, function calls `tool_use` blocks with a
 * fresh id and the client's tool name, and each thoughtSignature a `thinking` block (signature.ts)
 * right before the tool_use it belongs to.
 */
import type { ToolNameMap } from '../provider.js';
import { encodeSignatures, toolUseIdFor, type SignatureEntry } from './signature.js';
import type { GeminiPart } from './types.js';

/** Where translated blocks go: a content array, or the Anthropic stream builder. */
export interface BlockSink {
  thinking(text: string): void;
  /** A signature-only `thinking` block (or the signature of the thinking block just written). */
  signature(signature: string): void;
  text(text: string): void;
  tool(id: string, name: string, input: Record<string, unknown>): void;
}

export class PartReader {
  hasToolCalls = false;
  /** The last characters of the answer's text, enough to match the longest stop sequence. */
  textTail = '';
  private readonly tailLength: number;
  private readonly toolIds = new Set<string>();
  private textSignature: string | undefined;

  constructor(private readonly sink: BlockSink, private readonly toolNames: ToolNameMap, stopSequences: string[] = []) {
    this.tailLength = Math.max(0, ...stopSequences.map((s) => s.length));
  }

  /** The parts of one response (or one stream chunk), in order. */
  read(parts: GeminiPart[]): void {
    const ids = parts.map((p) => (p.functionCall ? toolUseIdFor(p.functionCall.id, this.toolIds) : undefined));
    // Every signature of this chunk's calls goes in one block before its first call: the stream
    // builder cannot write a thinking block once a tool_use block is open.
    const entries: SignatureEntry[] = [];
    parts.forEach((p, i) => {
      const id = ids[i];
      if (id !== undefined && p.thoughtSignature) entries.push({ toolUseId: id, signature: p.thoughtSignature });
    });
    let signaturesWritten = entries.length === 0;
    parts.forEach((part, i) => {
      const id = ids[i];
      if (part.functionCall && id !== undefined) {
        if (!signaturesWritten) { this.sink.signature(encodeSignatures(entries)); signaturesWritten = true; }
        this.hasToolCalls = true;
        const args = part.functionCall.args && typeof part.functionCall.args === 'object' ? part.functionCall.args : {};
        this.sink.tool(id, this.toolNames.fromUpstream(part.functionCall.name), args);
        return;
      }
      if (typeof part.text === 'string') {
        if (part.thought === true) this.sink.thinking(part.text);
        else { this.sink.text(part.text); this.remember(part.text); }
      }
      // A signature on a text or thought part (the last part of an answer without calls): kept
      // for the end of the message, where it comes back onto the answer's last text part.
      if (part.thoughtSignature) this.textSignature = part.thoughtSignature;
    });
  }

  /** Writes the pending text-part signature; called once, before the message finishes. */
  flushTextSignature(): void {
    // With calls in the turn the call's signature is the one Gemini checks; and a thinking block
    // cannot follow an open tool_use block in a stream.
    if (this.textSignature === undefined || this.hasToolCalls) return;
    this.sink.signature(encodeSignatures([{ signature: this.textSignature }]));
    this.textSignature = undefined;
  }

  private remember(text: string): void {
    if (this.tailLength === 0 || text.length === 0) return;
    this.textTail = (this.textTail + text).slice(-this.tailLength);
  }
}
