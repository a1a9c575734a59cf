/**
 * An Anthropic Messages request → Gemini `generateContent` / `streamGenerateContent?alt=sse`
 * (https://ai.google.dev/api/generate-content). Fields Gemini has no use for and would reject —
 * `cache_control`, `context_management`, `metadata`, beta flags, server tools — are not forwarded:
 * only what is mapped below is sent.
 */
import type { MessagesRequest, ToolChoice, ToolDefinition } from '../anthropic-types.js';
import type { HttpRequestSpec, ToolNameMap, TranslationContext, UpstreamTarget } from '../provider.js';
import { toGeminiContents } from './contents.js';
import { toGeminiParameters, toGeminiSchema } from './schema.js';
import type { GeminiFunctionDeclaration, GeminiGenerationConfig, GeminiRequest, GeminiThinkingConfig } from './types.js';

/** Gemini takes at most 5 stop sequences (GenerationConfig.stopSequences). */
export const MAX_STOP_SEQUENCES = 5;

export function buildGeminiHttpRequest(request: MessagesRequest, target: UpstreamTarget, context: TranslationContext): HttpRequestSpec {
  const { provider } = target;
  const base = provider.baseUrl.replace(/\/+$/, '');
  const model = encodeURIComponent(target.model.replace(/^models\//, ''));
  const url = request.stream === true ? `${base}/models/${model}:streamGenerateContent?alt=sse` : `${base}/models/${model}:generateContent`;
  const headers: Record<string, string> = { 'content-type': 'application/json', ...provider.headers };
  if (request.stream === true) headers.accept = 'text/event-stream';
  // The key goes in a header, never in the URL, so it cannot leak into logs of URLs.
  if (provider.apiKey) headers['x-goog-api-key'] = provider.apiKey;
  return { url, method: 'POST', headers, body: JSON.stringify(toGeminiRequest(request, target.model, context.toolNames)) };
}

export function toGeminiRequest(request: MessagesRequest, model: string, toolNames: ToolNameMap): GeminiRequest {
  const body: GeminiRequest = { contents: toGeminiContents(request.messages, toolNames) };
  const system = systemParts(request.system);
  if (system.length > 0) body.systemInstruction = { parts: system };
  const declarations = functionDeclarations(request.tools, toolNames);
  if (declarations.length > 0) {
    body.tools = [{ functionDeclarations: declarations }];
    const config = functionCallingConfig(request.tool_choice, toolNames);
    if (config) body.toolConfig = { functionCallingConfig: config };
  }
  const generationConfig = generation(request, model);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  return body;
}

/**
 * Claude Code opens its system prompt with `x-anthropic-billing-header: cc_version=…;`: billing
 * metadata for Anthropic, not an instruction, and text that changes with every Claude Code
 * release at the very start of the prompt, where Gemini's implicit (prefix) caching needs it stable.
 */
const BILLING_HEADER = 'x-anthropic-billing-header:';

function systemParts(system: MessagesRequest['system']): Array<{ text: string }> {
  if (system === undefined) return [];
  const blocks = typeof system === 'string' ? [{ type: 'text' as const, text: system }] : system;
  return blocks
    .filter((b) => b.type === 'text' && b.text.length > 0 && !b.text.startsWith(BILLING_HEADER))
    .map((b) => ({ text: b.text }));
}

/** Client tools only: server tools (web_search_…, code_execution_…) have no Gemini function form. */
function functionDeclarations(tools: ToolDefinition[] | undefined, toolNames: ToolNameMap): GeminiFunctionDeclaration[] {
  const out: GeminiFunctionDeclaration[] = [];
  for (const tool of tools ?? []) {
    if (tool.type !== undefined && tool.type !== 'custom') continue;
    const declaration: GeminiFunctionDeclaration = { name: toolNames.toUpstream(tool.name) };
    if (tool.description) declaration.description = tool.description;
    const parameters = toGeminiParameters(tool.input_schema);
    if (parameters?.kind === 'openapi') declaration.parameters = parameters.schema;
    else if (parameters?.kind === 'json') declaration.parametersJsonSchema = parameters.schema;
    out.push(declaration);
  }
  return out;
}

/** `disable_parallel_tool_use` has no Gemini counterpart and is dropped. */
function functionCallingConfig(choice: ToolChoice | undefined, toolNames: ToolNameMap) {
  switch (choice?.type) {
    case undefined: return undefined;
    case 'auto': return { mode: 'AUTO' as const };
    case 'any': return { mode: 'ANY' as const };
    case 'none': return { mode: 'NONE' as const };
    case 'tool': return { mode: 'ANY' as const, allowedFunctionNames: [toolNames.toUpstream(choice.name)] };
  }
}

function generation(request: MessagesRequest, model: string): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  if (typeof request.max_tokens === 'number') config.maxOutputTokens = request.max_tokens;
  if (typeof request.temperature === 'number') config.temperature = request.temperature;
  if (typeof request.top_p === 'number') config.topP = request.top_p;
  if (typeof request.top_k === 'number') config.topK = request.top_k;
  const stops = (request.stop_sequences ?? []).filter((s) => s.length > 0);
  if (stops.length > 0) config.stopSequences = stops.slice(0, MAX_STOP_SEQUENCES);
  const format = request.output_config?.format;
  if (format?.type === 'json_schema' && format.schema && typeof format.schema === 'object') {
    // The same choice as for tool parameters: the OpenAPI subset when it is faithful (every model).
    config.responseMimeType = 'application/json';
    const schema = toGeminiSchema(format.schema as Record<string, unknown>);
    if (schema.kind === 'openapi') config.responseSchema = schema.schema;
    else config.responseJsonSchema = schema.schema;
  }
  const thinking = thinkingConfig(request, model);
  if (thinking) config.thinkingConfig = thinking;
  return config;
}

/**
 * Anthropic `thinking` → `thinkingConfig` (https://ai.google.dev/gemini-api/docs/thinking).
 * Without thinking (`disabled`, or no `thinking` at all, as in Claude Code's background calls)
 * Gemini 2.5 Flash gets a budget of 0, as Anthropic would not think either; other models keep
 * their default, because 2.5 Pro and Gemini 3 cannot turn thinking off (a budget of 0 is a 400)
 * and older models reject thinkingConfig. Their thoughts stay hidden anyway.
 * Gemini 3 takes `thinkingLevel` (and rejects it together with a budget): used when the client
 * states an `output_config.effort`.
 */
function thinkingConfig(request: MessagesRequest, model: string): GeminiThinkingConfig | undefined {
  const thinking = request.thinking;
  if (!thinking || thinking.type === 'disabled') return /gemini-2\.5-flash/.test(model) ? { thinkingBudget: 0 } : undefined;
  const effort = request.output_config?.effort;
  if (/gemini-3/.test(model) && typeof effort === 'string') {
    return { includeThoughts: true, thinkingLevel: effort === 'low' || effort === 'minimal' ? 'low' : 'high' };
  }
  if (thinking.type === 'adaptive') return { includeThoughts: true, thinkingBudget: -1 };
  // Budget ranges: 2.5 Pro up to 32768, Flash up to 24576; larger values are a 400.
  const max = /flash/.test(model) ? 24_576 : 32_768;
  return { includeThoughts: true, thinkingBudget: Math.min(Math.max(0, Math.floor(thinking.budget_tokens)), max) };
}
