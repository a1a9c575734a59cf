/**
 * The end of a completion in Anthropic's terms: stop reason [10], which stop sequence matched [6],
 * and usage [12]. Shared by the whole-response and the stream translations so both agree.
 */
import type { StopReason, Usage } from '../anthropic-types.js';
import type { ChatUsage } from './wire.js';

/**
 * [10] stop → end_turn (stop_sequence when one matched), length → max_tokens,
 * tool_calls/function_call → tool_use, content_filter → refusal.
 */
export function stopReasonFor(finishReason: string | null | undefined, matchedStop: string | null, sawToolCall: boolean): StopReason {
  switch (finishReason) {
    case 'length': return 'max_tokens';
    case 'tool_calls': case 'function_call': return 'tool_use';
    case 'content_filter': return 'refusal';
    case 'stop': case 'eos': case 'end_turn':
      // Some servers (older Ollama, llama.cpp) say "stop" after a tool call.
      if (sawToolCall) return 'tool_use';
      return matchedStop !== null ? 'stop_sequence' : 'end_turn';
    default:
      return sawToolCall ? 'tool_use' : matchedStop !== null ? 'stop_sequence' : 'end_turn';
  }
}

/**
 * [6] The upstream does not say which stop sequence matched. vLLM reports it as `stop_reason`;
 * servers that keep the sequence in the text (llama.cpp with some templates) end the text with it.
 * Otherwise it is unknown, and null, as the reference requires.
 */
export function matchedStopSequence(
  finishReason: string | null | undefined,
  textTail: string,
  stopSequences: readonly string[] | undefined,
  reported: unknown,
): string | null {
  if (finishReason !== 'stop' || stopSequences === undefined || stopSequences.length === 0) return null;
  if (typeof reported === 'string' && stopSequences.includes(reported)) return reported;
  for (const sequence of stopSequences) if (sequence.length > 0 && textTail.endsWith(sequence)) return sequence;
  return null;
}

/** Longest stop sequence: how much text tail the stream keeps to recover the match. */
export function longestStop(stopSequences: readonly string[] | undefined): number {
  return (stopSequences ?? []).reduce((max, s) => Math.max(max, s.length), 0);
}

/**
 * [12] OpenAI's prompt_tokens include cached tokens; Anthropic counts cache reads separately from
 * input_tokens, so they are subtracted.
 */
export function usageFrom(usage: ChatUsage): Partial<Usage> {
  const out: Partial<Usage> = {};
  const cached = usage.prompt_tokens_details?.cached_tokens;
  if (typeof usage.prompt_tokens === 'number') out.input_tokens = Math.max(0, usage.prompt_tokens - (typeof cached === 'number' ? cached : 0));
  if (typeof usage.completion_tokens === 'number') out.output_tokens = usage.completion_tokens;
  if (typeof cached === 'number') out.cache_read_input_tokens = cached;
  return out;
}
