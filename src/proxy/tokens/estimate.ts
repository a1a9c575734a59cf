/**
 * Local input-token estimate for a Messages request, for `/v1/messages/count_tokens` on
 * providers that have no counting endpoint, for routing (long-context threshold) and for
 * reserving rate-limit capacity before a request is sent.
 *
 * It counts what providers count: the system prompt; every message's text, tool_use input (as
 * JSON), tool_result content, thinking; every tool's name, description and input schema (as
 * JSON); images by Anthropic's size formula; plus small per-message and per-tool framing
 * overheads (OpenAI's chat format spends 3–4 tokens per message on role and separators, and
 * about 8–10 per function on its wrapper). Text is priced by text-estimate.ts, which stays
 * within a few percent of o200k_base; everything here is linear in the request's size.
 */
import type { ContentBlock, Message, MessagesRequest, ToolDefinition } from '../anthropic-types.js';
import { toJsonText } from './json-text.js';
import { imageTokens, MAX_IMAGE_TOKENS, pdfTokens } from './media-tokens.js';
import { estimateTextTokens } from './text-estimate.js';

export { estimateTextTokens, estimateTextTokensDetailed } from './text-estimate.js';

/** Priming tokens every request pays (start of the assistant turn). */
export const REQUEST_OVERHEAD = 3;
/** Role and separators around each message (and each system block). */
export const MESSAGE_OVERHEAD = 4;
/** Wrapper around each tool definition. */
export const TOOL_OVERHEAD = 10;
/** Framing of a tool_use or tool_result block (id, name, markers). */
export const TOOL_BLOCK_OVERHEAD = 4;

export function estimateRequestTokens(request: MessagesRequest): number {
  let tokens = REQUEST_OVERHEAD;
  const system = request.system as unknown;
  if (typeof system === 'string') tokens += MESSAGE_OVERHEAD + estimateTextTokens(system);
  else if (Array.isArray(system)) {
    tokens += MESSAGE_OVERHEAD;
    for (const block of system) tokens += blockTokens(block as ContentBlock);
  }
  const messages = Array.isArray(request.messages) ? request.messages : [];
  for (const message of messages) tokens += messageTokens(message);
  if (Array.isArray(request.tools)) for (const tool of request.tools) tokens += toolTokens(tool);
  // Structured output: the schema is sent to the model as part of its instructions.
  const schema = request.output_config?.format?.schema;
  if (schema !== undefined) tokens += estimateTextTokens(toJsonText(schema));
  return tokens;
}

function messageTokens(message: Message): number {
  const content = (message as { content?: unknown }).content;
  if (typeof content === 'string') return MESSAGE_OVERHEAD + estimateTextTokens(content);
  let tokens = MESSAGE_OVERHEAD;
  if (Array.isArray(content)) for (const block of content) tokens += blockTokens(block as ContentBlock);
  return tokens;
}

function blockTokens(block: ContentBlock): number {
  if (block === null || typeof block !== 'object') return 0;
  switch (block.type) {
    case 'text':
      return typeof block.text === 'string' ? estimateTextTokens(block.text) : 0;
    case 'thinking':
      return typeof block.thinking === 'string' ? estimateTextTokens(block.thinking) : 0;
    case 'redacted_thinking':
      // Encrypted: its size is all there is to go on (base64 costs about a token per 2.5 chars).
      return typeof block.data === 'string' ? Math.ceil(block.data.length / 2.5) : 0;
    case 'image':
      return imageTokens(block.source);
    case 'document':
      return documentTokens(block.source);
    case 'tool_use':
      return TOOL_BLOCK_OVERHEAD + estimateTextTokens(String(block.name ?? '')) + estimateTextTokens(toJsonText(block.input ?? {}));
    case 'tool_result': {
      const content = block.content as unknown;
      let tokens = TOOL_BLOCK_OVERHEAD;
      if (typeof content === 'string') tokens += estimateTextTokens(content);
      else if (Array.isArray(content)) for (const inner of content) tokens += blockTokens(inner as ContentBlock);
      return tokens;
    }
    default:
      // Block types newer than this code (server_tool_use, web_search_tool_result, ...): their JSON.
      return estimateTextTokens(toJsonText(block));
  }
}

function documentTokens(source: unknown): number {
  const s = source as { type?: unknown; data?: unknown; media_type?: unknown; content?: unknown } | undefined;
  if (s?.type === 'text' && typeof s.data === 'string') return estimateTextTokens(s.data);
  if (s?.type === 'base64' && typeof s.data === 'string') return pdfTokens(s.data);
  if (s?.type === 'content') {
    if (typeof s.content === 'string') return estimateTextTokens(s.content);
    if (Array.isArray(s.content)) {
      let tokens = 0;
      for (const inner of s.content) tokens += blockTokens(inner as ContentBlock);
      return tokens;
    }
  }
  return MAX_IMAGE_TOKENS; // a URL or file reference: one page's worth
}

function toolTokens(tool: ToolDefinition): number {
  if (tool === null || typeof tool !== 'object') return 0;
  // Server tools (web_search_20250305, ...) have a type and no schema: count their JSON.
  if (tool.input_schema === undefined && typeof tool.type === 'string') return TOOL_OVERHEAD + estimateTextTokens(toJsonText(tool));
  let tokens = TOOL_OVERHEAD + estimateTextTokens(String(tool.name ?? ''));
  if (typeof tool.description === 'string') tokens += estimateTextTokens(tool.description);
  if (tool.input_schema !== undefined) tokens += estimateTextTokens(toJsonText(tool.input_schema));
  return tokens;
}
