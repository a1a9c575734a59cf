/**
 * An Anthropic Messages request as an OpenAI Chat Completions request
 * (POST {baseUrl}/chat/completions). The body is built field by field from what we know, never by
 * copying the request: Claude Code sends fields no other provider accepts (`context_management`,
 * `output_config.effort`, betas, `cache_control`), and forwarding them is a 400 [18, 19].
 */
import { createHash } from 'node:crypto';
import type { MessagesRequest, ToolChoice, ToolDefinition } from '../anthropic-types.js';
import { jsonBytes } from '../json-bytes.js';
import type { HttpRequestSpec, TranslationContext, UpstreamTarget } from '../provider.js';
import { toChatMessages } from './messages.js';
import { acceptsReasoningEffort, effortForAdaptive, effortForBudget, isOpenRouter, isReasoningModel, maxOutputTokens } from './models.js';
import type { ChatRequest, ChatTool, ChatToolChoice } from './wire.js';

/** OpenAI rejects more than 4 stop sequences. */
export const MAX_STOP_SEQUENCES = 4;

/** Something the translation left out or changed; the proxy logs these. Never contains secrets. */
export type TranslationNote = (note: string) => void;

export function buildChatRequest(
  request: MessagesRequest,
  target: UpstreamTarget,
  context: TranslationContext,
  note: TranslationNote = () => {},
): ChatRequest {
  const { provider, model } = target;
  const reasoning = isReasoningModel(model);
  const openRouter = isOpenRouter(provider);
  const body: ChatRequest = {
    model,
    messages: toChatMessages(request, {
      toolNames: context.toolNames,
      systemRole: reasoning ? 'developer' : 'system',
      sendReasoningContent: provider.quirks?.sendsReasoningContent === true,
    }),
  };
  // [9] reasoning models count hidden reasoning tokens against max_completion_tokens.
  const ceiling = maxOutputTokens(model);
  const maxTokens = ceiling !== undefined && request.max_tokens > ceiling ? ceiling : request.max_tokens;
  if (maxTokens !== request.max_tokens) note(`max_tokens ${request.max_tokens} lowered to ${maxTokens}, the most ${model} can produce`);
  if (reasoning) body.max_completion_tokens = maxTokens;
  else body.max_tokens = maxTokens;
  if (request.stream === true) {
    body.stream = true;
    body.stream_options = { include_usage: true }; // [12] else streams carry no usage at all
  }
  // [7] reasoning models accept only the default temperature/top_p, so none is sent.
  if (reasoning) {
    if (request.temperature !== undefined || request.top_p !== undefined) note(`temperature/top_p not sent: ${model} accepts only the defaults`);
  } else {
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.top_p !== undefined) body.top_p = request.top_p;
  }
  if (request.top_k !== undefined) {
    if (provider.quirks?.acceptsTopK === true) body.top_k = request.top_k;
    else note(`top_k not sent: provider "${provider.name}" does not accept it`);
  }
  const stops = (request.stop_sequences ?? []).filter((s) => s.length > 0);
  if (stops.length > 0) {
    // [6] The rest are enforced by Patchbay on the answer (local-stops.ts).
    body.stop = stops.slice(0, MAX_STOP_SEQUENCES);
    if (stops.length > MAX_STOP_SEQUENCES) {
      note(`only the first ${MAX_STOP_SEQUENCES} of ${stops.length} stop_sequences sent: OpenAI-compatible APIs take at most ${MAX_STOP_SEQUENCES}; Patchbay watches for the rest`);
    }
  }
  if (typeof request.metadata?.user_id === 'string' && request.metadata.user_id.length > 0) body.user = upstreamUser(request.metadata.user_id);
  addTools(body, request, openRouter, context, note);
  addReasoning(body, request, model, openRouter);
  addResponseFormat(body, request);
  return body;
}

/**
 * [8] metadata.user_id → user. OpenAI rejects a `user` longer than 64 characters (OpenRouter: 128),
 * and Claude Code's user_id is a JSON object of about 120 (device_id, session_id). A longer id is
 * sent as a stable hash: still one opaque id per user for the provider's abuse tracking, and the
 * device id does not leave the machine.
 */
export function upstreamUser(userId: string): string {
  if (userId.length <= MAX_USER_LENGTH) return userId;
  return `user_${createHash('sha256').update(userId).digest('hex').slice(0, 40)}`;
}

const MAX_USER_LENGTH = 64;

function isFunctionTool(tool: ToolDefinition): boolean {
  return tool.type === undefined || tool.type === 'custom';
}

/**
 * Client tools become functions [13: names through the ToolNameMap]. Anthropic server tools
 * (`web_search_20250305`, `web_fetch_…`, `code_execution_…`) and Anthropic-defined client tools
 * (`bash_…`, `text_editor_…`, `computer_…`) have no schema we could send: they are dropped with a
 * note — except web search on OpenRouter, whose `web` plugin gives the model search results.
 */
function addTools(body: ChatRequest, request: MessagesRequest, openRouter: boolean, context: TranslationContext, note: TranslationNote): void {
  const tools: ChatTool[] = [];
  const sent = new Set<string>();
  for (const tool of request.tools ?? []) {
    if (!isFunctionTool(tool)) {
      if (openRouter && tool.type?.startsWith('web_search') === true) body.plugins = [{ id: 'web' }];
      else note(`tool "${tool.name}" (${tool.type}) not sent: it is an Anthropic server tool`);
      continue;
    }
    const fn: ChatTool['function'] = { name: context.toolNames.toUpstream(tool.name), parameters: tool.input_schema ?? { type: 'object', properties: {} } };
    if (tool.description !== undefined) fn.description = tool.description;
    tools.push({ type: 'function', function: fn });
    sent.add(tool.name);
  }
  if (tools.length === 0) return; // tool_choice and parallel_tool_calls are rejected without tools
  body.tools = tools;
  const choice = toolChoice(request.tool_choice, sent, context);
  if (choice !== undefined) body.tool_choice = choice;
  if (request.tool_choice !== undefined && 'disable_parallel_tool_use' in request.tool_choice && request.tool_choice.disable_parallel_tool_use === true) {
    body.parallel_tool_calls = false; // [5]
  }
}

/** [5] auto → "auto", any → "required", tool → the named function, none → "none". */
function toolChoice(choice: ToolChoice | undefined, sent: Set<string>, context: TranslationContext): ChatToolChoice | undefined {
  if (choice === undefined) return undefined;
  switch (choice.type) {
    case 'auto': return 'auto';
    case 'any': return 'required';
    case 'none': return 'none';
    case 'tool':
      // A forced server tool that was not sent cannot be forced: let the model choose.
      if (!sent.has(choice.name)) return 'auto';
      return { type: 'function', function: { name: context.toolNames.toUpstream(choice.name) } };
    default: return undefined;
  }
}

/**
 * [17] Thinking as the provider's reasoning setting. Claude Code sends `{type:'adaptive'}` on every
 * request, and classic chat models (gpt-4o, llama) reject `reasoning_effort`, so it only goes to
 * models that take it; OpenRouter's `reasoning` object is accepted for every model.
 */
function addReasoning(body: ChatRequest, request: MessagesRequest, model: string, openRouter: boolean): void {
  const thinking = request.thinking;
  if (thinking === undefined || thinking.type === 'disabled') return;
  if (openRouter) {
    if (thinking.type === 'enabled') body.reasoning = { max_tokens: thinking.budget_tokens };
    else body.reasoning = { effort: effortForAdaptive(request) };
    return;
  }
  if (!acceptsReasoningEffort(model)) return;
  body.reasoning_effort = thinking.type === 'enabled' ? effortForBudget(thinking.budget_tokens) : effortForAdaptive(request);
}

/**
 * [18] Structured output: `output_config.format` (and the older beta's top-level `output_format`)
 * → `response_format` json_schema. Anthropic enforces the schema, so OpenAI's strict mode does too.
 */
function addResponseFormat(body: ChatRequest, request: MessagesRequest): void {
  const legacy = request.output_format as { type?: string; schema?: unknown; name?: string } | undefined;
  const format = request.output_config?.format ?? legacy;
  if (format === undefined || format.type !== 'json_schema' || format.schema === undefined) return;
  const name = typeof format.name === 'string' && /^[a-zA-Z0-9_-]{1,64}$/.test(format.name) ? format.name : 'response';
  body.response_format = { type: 'json_schema', json_schema: { name, schema: format.schema, strict: true } };
}

/** The HTTP request: Bearer auth (or Azure's `api-key` and `api-version`), provider headers last. */
export function buildHttpRequest(request: MessagesRequest, target: UpstreamTarget, context: TranslationContext, note?: TranslationNote): HttpRequestSpec {
  const { provider } = target;
  const azureVersion = provider.quirks?.azureApiVersion;
  const base = provider.baseUrl.replace(/\/+$/, '');
  const [path, query] = splitQuery(base);
  let url = `${path}/chat/completions`;
  const params = new URLSearchParams(query);
  if (azureVersion !== undefined) params.set('api-version', azureVersion);
  const search = params.toString();
  if (search.length > 0) url += `?${search}`;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: request.stream === true ? 'text/event-stream' : 'application/json',
  };
  if (provider.apiKey !== undefined && provider.apiKey.length > 0) {
    if (azureVersion !== undefined) headers['api-key'] = provider.apiKey;
    else headers.authorization = `Bearer ${provider.apiKey}`;
  }
  for (const [name, value] of Object.entries(provider.headers ?? {})) headers[name.toLowerCase()] = value;
  // Encoded once, piece by piece (see jsonBytes); the text is made only if someone reads `body`.
  const bytes = jsonBytes(buildChatRequest(request, target, context, note) as unknown as Record<string, unknown>);
  let text: string | undefined;
  return { url, method: 'POST', headers, bytes, get body() { return (text ??= bytes.toString('utf8')); } };
}

function splitQuery(url: string): [string, string] {
  const q = url.indexOf('?');
  return q === -1 ? [url, ''] : [url.slice(0, q).replace(/\/+$/, ''), url.slice(q + 1)];
}
