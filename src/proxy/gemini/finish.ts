/**
 * How a Gemini candidate ended, and what it cost, in Anthropic terms
 * (FinishReason: https://ai.google.dev/api/generate-content#FinishReason).
 */
import type { StopReason, Usage } from '../anthropic-types.js';
import type { GeminiUsageMetadata } from './types.js';

/** Output withheld by a filter: the client sees `refusal`, as Anthropic's own classifiers report it. */
const REFUSALS = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'LANGUAGE']);
/** The model produced a call the client cannot run: an error the client sees (and may retry). */
const FAILURES = new Set(['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS', 'MISSING_THOUGHT_SIGNATURE']);

export type FinishOutcome =
  | { kind: 'stop'; stopReason: StopReason; stopSequence: string | null }
  | { kind: 'error'; message: string };

export interface FinishFacts {
  hasToolCalls: boolean;
  /** The end of the answer's text, to find which stop sequence matched. */
  textTail: string;
  stopSequences: string[] | undefined;
  finishMessage?: string;
}

/** `finishReason` undefined means the upstream never said (a stream that just ended). */
export function mapFinish(finishReason: string | undefined, facts: FinishFacts): FinishOutcome {
  if (finishReason !== undefined && FAILURES.has(finishReason)) {
    const detail = facts.finishMessage ? `: ${facts.finishMessage}` : '';
    return { kind: 'error', message: `Gemini could not complete the tool call (${finishReason})${detail}. Retrying the request usually helps.` };
  }
  if (finishReason !== undefined && REFUSALS.has(finishReason)) return { kind: 'stop', stopReason: 'refusal', stopSequence: null };
  if (finishReason === 'MAX_TOKENS') return { kind: 'stop', stopReason: 'max_tokens', stopSequence: null };
  if (facts.hasToolCalls) return { kind: 'stop', stopReason: 'tool_use', stopSequence: null };
  const matched = matchStopSequence(facts.textTail, facts.stopSequences);
  if (matched !== null) return { kind: 'stop', stopReason: 'stop_sequence', stopSequence: matched };
  return { kind: 'stop', stopReason: 'end_turn', stopSequence: null };
}

/** Gemini does not say which stop sequence matched; one the text ends with is reported. */
export function matchStopSequence(text: string, stopSequences: string[] | undefined): string | null {
  let best: string | null = null;
  for (const sequence of stopSequences ?? []) {
    if (sequence.length > 0 && text.endsWith(sequence) && (best === null || sequence.length > best.length)) best = sequence;
  }
  return best;
}

/**
 * Gemini's `promptTokenCount` includes cached tokens, Anthropic's `input_tokens` does not (cache
 * reads are their own field); Anthropic counts thinking as output, Gemini reports it apart.
 */
export function toUsage(meta: GeminiUsageMetadata | undefined): Usage | undefined {
  if (!meta) return undefined;
  const cached = meta.cachedContentTokenCount ?? 0;
  const prompt = (meta.promptTokenCount ?? 0) + (meta.toolUsePromptTokenCount ?? 0);
  const usage: Usage = {
    input_tokens: Math.max(0, prompt - cached),
    output_tokens: (meta.candidatesTokenCount ?? 0) + (meta.thoughtsTokenCount ?? 0),
  };
  if (cached > 0) usage.cache_read_input_tokens = cached;
  return usage;
}

/**
 * The counts one stream chunk states, and only those: a chunk without `promptTokenCount` must not
 * reset the input count the stream already has.
 */
export function statedUsage(meta: GeminiUsageMetadata | undefined): Partial<Usage> {
  const full = toUsage(meta);
  if (!meta || !full) return {};
  const out: Partial<Usage> = {};
  if (meta.promptTokenCount !== undefined) out.input_tokens = full.input_tokens;
  if (meta.candidatesTokenCount !== undefined || meta.thoughtsTokenCount !== undefined) out.output_tokens = full.output_tokens;
  if (meta.cachedContentTokenCount !== undefined) out.cache_read_input_tokens = full.cache_read_input_tokens ?? 0;
  return out;
}

export function blockedPromptText(blockReason: string, message: string | undefined): string {
  return `Gemini declined to answer: the prompt was blocked (${blockReason})${message ? `: ${message}` : ''}.`;
}
