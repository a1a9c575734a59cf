/**
 * Checks a Messages API request at the proxy's edge, the way the Anthropic API checks it
 * (https://docs.anthropic.com/en/api/messages, https://docs.anthropic.com/en/api/errors), so a
 * client sees the same 400 `invalid_request_error`, naming the same field in the same words,
 * whichever provider is behind — and the translations, which trust the shapes, never see
 * `content: 5` or a tool without a name (that used to surface as a 500 with JavaScript's
 * "content.forEach is not a function", which the SDKs then retried).
 *
 * Hand-written rather than a schema library: the tiny request (one message, no tools) costs a
 * dozen property reads and no allocation; see bench/proxy/validate.mjs. Fields Patchbay does not
 * know pass untouched: Claude Code sends newer ones (context_management, output_config, …).
 */
import { checkInteger, checkRange, checkString, isObject, noTag, notBoolean, notDictionary, notList, notString, required, unknownTag, type Obj } from './fields.js';
import { checkMessages, isTextBlock, systemBlockProblem } from './messages.js';

export interface RequestCheckOptions {
  /** POST /v1/messages needs max_tokens; count_tokens does not take it. */
  needMaxTokens: boolean;
  /**
   * The interleaved-thinking beta lets `budget_tokens` exceed `max_tokens` (the budget then
   * spans the whole turn; https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#interleaved-thinking).
   */
  interleavedThinking?: boolean;
}

/** A custom tool's name, as the API enforces it (`tools.N.custom.name: String should match pattern …`). */
const TOOL_NAME = '^[a-zA-Z0-9_-]{1,128}$';

/** TOOL_NAME without a regular expression: a third of the time, and Claude Code sends dozens of tools. */
function isToolName(name: string): boolean {
  if (name.length === 0 || name.length > 128) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    // 0-9, A-Z, a-z, '_', '-'
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45)) return false;
  }
  return true;
}
const TOOL_CHOICES = ['auto', 'any', 'tool', 'none'] as const;

/** undefined when the request is one the Anthropic API would take; else its error message. */
export function checkMessagesRequest(body: Obj, options: RequestCheckOptions): string | undefined {
  const model = body.model;
  if (typeof model !== 'string') return checkString(model, 'model');
  if (model === '') return 'model: String should have at least 1 character';
  if (options.needMaxTokens) {
    const problem = checkInteger(body.max_tokens, 'max_tokens', 1);
    if (problem) return problem;
  }
  const messages = body.messages;
  if (!Array.isArray(messages)) return messages === undefined ? required('messages') : notList('messages');
  if (messages.length === 0) return 'messages: at least one message is required';
  return checkOptional(body, options) ?? checkMessages(messages);
}

function checkOptional(body: Obj, options: RequestCheckOptions): string | undefined {
  if (body.system !== undefined) {
    const problem = checkSystem(body.system);
    if (problem) return problem;
  }
  if (body.stream !== undefined && typeof body.stream !== 'boolean') return notBoolean('stream');
  const sampling = checkRange(body.temperature, 'temperature', 0, 1) ?? checkRange(body.top_p, 'top_p', 0, 1)
    ?? (body.top_k === undefined ? undefined : checkInteger(body.top_k, 'top_k', 0));
  if (sampling) return sampling;
  if (body.stop_sequences !== undefined) {
    const stops = body.stop_sequences;
    if (!Array.isArray(stops)) return notList('stop_sequences');
    const at = stops.findIndex((s) => typeof s !== 'string');
    if (at !== -1) return notString(`stop_sequences.${at}`);
  }
  if (body.metadata !== undefined) {
    const metadata = body.metadata;
    if (!isObject(metadata)) return notDictionary('metadata');
    if (metadata.user_id !== undefined && metadata.user_id !== null && typeof metadata.user_id !== 'string') return notString('metadata.user_id');
  }
  if (body.tools !== undefined) {
    const problem = checkTools(body.tools);
    if (problem) return problem;
  }
  if (body.tool_choice !== undefined) {
    const problem = checkToolChoice(body.tool_choice);
    if (problem) return problem;
  }
  if (body.thinking !== undefined) return checkThinking(body.thinking, body.max_tokens, options);
  return undefined;
}

function checkSystem(system: unknown): string | undefined {
  if (typeof system === 'string') return undefined;
  if (!Array.isArray(system)) return notList('system');
  for (let i = 0; i < system.length; i++) {
    if (!isTextBlock(system[i])) return systemBlockProblem(system[i], `system.${i}`);
  }
  return undefined;
}

/**
 * Custom tools (no `type`, or `"custom"`) need a name of the API's pattern and an input_schema;
 * server tools and toolsets (`web_search_20250305`, `browser_toolset_20260801`) carry their type
 * and are Anthropic's to judge, but a name they give takes part in the uniqueness check.
 */
function checkTools(tools: unknown): string | undefined {
  if (!Array.isArray(tools)) return notList('tools');
  for (let i = 0; i < tools.length; i++) {
    const tool: unknown = tools[i];
    if (!isObject(tool)) return notDictionary(`tools.${i}`);
    const type = tool.type;
    if (type === undefined || type === null || type === 'custom') {
      const name = tool.name;
      const ok = typeof name === 'string' && isToolName(name) && isObject(tool.input_schema) && (tool.description === undefined || typeof tool.description === 'string');
      if (!ok) return customToolProblem(tool, `tools.${i}.custom`);
    } else if (typeof type !== 'string') {
      return notString(`tools.${i}.type`);
    } else if (tool.name !== undefined && typeof tool.name !== 'string') {
      return notString(`tools.${i}.${type}.name`);
    }
  }
  return hasDuplicateName(tools as Obj[]) ? 'tools: Tool names must be unique.' : undefined;
}

function customToolProblem(tool: Obj, at: string): string {
  if (typeof tool.name !== 'string') return checkString(tool.name, `${at}.name`)!;
  if (!isToolName(tool.name)) return `${at}.name: String should match pattern '${TOOL_NAME}'`;
  if (tool.input_schema === undefined) return required(`${at}.input_schema`);
  if (!isObject(tool.input_schema)) return notDictionary(`${at}.input_schema`);
  return notString(`${at}.description`);
}

/**
 * Pairwise for a few tools (no allocation), a Set beyond: MCP tool names share long prefixes
 * (`mcp__server__…`), so comparing 40 of them pairwise cost 15 µs, the Set 1 µs.
 */
function hasDuplicateName(tools: Obj[]): boolean {
  if (tools.length > 8) {
    const names = new Set<unknown>();
    for (const tool of tools) {
      if (typeof tool.name !== 'string') continue;
      if (names.has(tool.name)) return true;
      names.add(tool.name);
    }
    return false;
  }
  for (let i = 1; i < tools.length; i++) {
    const name = tools[i]!.name;
    if (typeof name !== 'string') continue;
    for (let j = 0; j < i; j++) if (tools[j]!.name === name) return true;
  }
  return false;
}

function checkToolChoice(choice: unknown): string | undefined {
  if (!isObject(choice)) return notDictionary('tool_choice');
  const type = choice.type;
  if (!(TOOL_CHOICES as readonly unknown[]).includes(type)) return type === undefined ? noTag('tool_choice') : unknownTag('tool_choice', type, TOOL_CHOICES);
  if (type === 'tool') {
    const problem = checkString(choice.name, 'tool_choice.tool.name');
    if (problem) return problem;
  }
  const parallel = choice.disable_parallel_tool_use;
  if (parallel !== undefined && typeof parallel !== 'boolean') return notBoolean(`tool_choice.${String(type)}.disable_parallel_tool_use`);
  return undefined;
}

/** `enabled` needs a budget of at least 1,024 tokens, below max_tokens; other types (adaptive, disabled, …) pass. */
function checkThinking(thinking: unknown, maxTokens: unknown, options: RequestCheckOptions): string | undefined {
  if (!isObject(thinking)) return notDictionary('thinking');
  if (typeof thinking.type !== 'string') return thinking.type === undefined ? noTag('thinking') : notString('thinking.type');
  if (thinking.type !== 'enabled') return undefined;
  const problem = checkInteger(thinking.budget_tokens, 'thinking.enabled.budget_tokens', 1024);
  if (problem) return problem;
  if (options.needMaxTokens && !options.interleavedThinking && (thinking.budget_tokens as number) >= (maxTokens as number)) {
    return '`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size';
  }
  return undefined;
}
