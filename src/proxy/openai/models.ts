/**
 * What the target model and provider accept, decided from their names. OpenAI's reasoning models
 * (o1, o3, o4-mini, gpt-5; https://platform.openai.com/docs/guides/reasoning) reject `max_tokens`
 * and non-default `temperature`/`top_p`, and take `developer` instead of `system` messages.
 * Azure deployments have arbitrary names, so there the deployment must be named after the model.
 */
import type { MessagesRequest } from '../anthropic-types.js';
import type { ProviderConfig } from '../provider.js';

/** `openai/o3-mini` (OpenRouter) and `o3-mini` are the same model for our purposes. */
function bareModel(model: string): string {
  const slash = model.lastIndexOf('/');
  return (slash === -1 ? model : model.slice(slash + 1)).toLowerCase();
}

/** o-series and gpt-5 (but not gpt-5-chat, which is a classic chat model). */
export function isReasoningModel(model: string): boolean {
  const bare = bareModel(model);
  if (/^o\d+(?:$|[-.])/.test(bare)) return true;
  return /^gpt-5(?:$|[-.])/.test(bare) && !bare.startsWith('gpt-5-chat');
}

/** Models whose OpenAI-compatible servers take `reasoning_effort` (non-reasoning models reject it). */
export function acceptsReasoningEffort(model: string): boolean {
  return isReasoningModel(model) || bareModel(model).startsWith('gpt-oss');
}

export function isOpenRouter(provider: ProviderConfig): boolean {
  return /openrouter/i.test(provider.name) || /openrouter\.ai/i.test(provider.baseUrl);
}

export type Effort = 'low' | 'medium' | 'high';

/**
 * Anthropic's thinking budget as an effort level. The cut-offs follow the budgets Anthropic's docs
 * use as examples (a few thousand tokens for light reasoning, 16k+ for hard problems).
 */
export function effortForBudget(budgetTokens: number): Effort {
  if (budgetTokens < 4096) return 'low';
  if (budgetTokens < 16384) return 'medium';
  return 'high';
}

/** `{type:'adaptive'}` lets the model decide; Claude Code pairs it with `output_config.effort`. */
export function effortForAdaptive(request: MessagesRequest): Effort {
  const effort = request.output_config?.effort;
  if (effort === 'low' || effort === 'medium' || effort === 'high') return effort;
  if (effort === 'max') return 'high';
  return 'medium';
}

/**
 * Output-token ceilings of well-known models. Claude Code asks for 32k–64k output tokens, and
 * OpenAI answers 400 "max_tokens is too large: 64000. This model supports at most 16384 completion
 * tokens" instead of clamping, so a request routed from Claude Code to gpt-4o would always fail.
 * `max_tokens` is only an upper bound, so clamping to what the model can produce changes nothing
 * else. Unknown models (local servers, new releases) get the client's value unchanged.
 * Sources: the model pages of platform.openai.com/docs/models and api-docs.deepseek.com.
 */
const MAX_OUTPUT: Array<[prefix: string, tokens: number]> = [
  ['gpt-5-chat', 16_384],
  ['gpt-5', 128_000],
  ['gpt-4.1', 32_768],
  ['gpt-4o', 16_384],
  ['chatgpt-4o', 16_384],
  ['gpt-4-turbo', 4_096],
  ['gpt-3.5-turbo', 4_096],
  ['o1-mini', 65_536],
  ['o1-preview', 32_768],
  ['o1', 100_000],
  ['o3', 100_000],
  ['o4-mini', 100_000],
  ['deepseek-chat', 8_192],
  ['deepseek-reasoner', 65_536],
];

export function maxOutputTokens(model: string): number | undefined {
  const bare = bareModel(model);
  for (const [prefix, tokens] of MAX_OUTPUT) {
    if (bare === prefix || bare.startsWith(`${prefix}-`)) return tokens;
  }
  return undefined;
}
