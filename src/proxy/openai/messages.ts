/**
 * Anthropic `messages` (+ `system`) as OpenAI chat messages. The rules, each from the translation
 * reference (/work/shared/reference/anthropic-openai-translation.md, cases in brackets):
 *  - tool results become `tool` messages right after the assistant's tool_calls, before any text
 *    of the same user turn [1]; `is_error` survives as an `Error:` prefix [2]; images and PDFs in a
 *    tool result move to a following user message, never into text as base64 [3];
 *  - several tool_use blocks make one assistant message with N tool_calls [4];
 *  - a message whose only text is empty is kept, with empty content [11];
 *  - tool ids are sanitised and tool names shortened the same way in every message [13];
 *  - `system` (top level and mid-conversation) becomes system/developer messages in place [16];
 *  - thinking goes back as `reasoning_content` only where the provider needs it [17];
 *  - `cache_control` and every other Anthropic-only field is simply not copied [19].
 * Text-only content is sent as a string (blocks joined by "\n"): several compatible servers
 * (DeepSeek, older llama.cpp) accept only strings outside user turns with images.
 */
import type { ContentBlock, DocumentBlock, ImageBlock, Message, MessagesRequest, TextBlock } from '../anthropic-types.js';
import type { ToolNameMap } from '../provider.js';
import { OpenAITranslationError } from './errors.js';
import { sanitizeToolId } from './ids.js';
import type { ChatMessage, ChatToolCall, ChatUserPart } from './wire.js';

export interface MessageOptions {
  toolNames: ToolNameMap;
  /** `developer` for OpenAI reasoning models, `system` otherwise. */
  systemRole: 'system' | 'developer';
  /** Send thinking back as `reasoning_content` (DeepSeek). */
  sendReasoningContent: boolean;
}

export function toChatMessages(request: MessagesRequest, options: MessageOptions): ChatMessage[] {
  const out: ChatMessage[] = [];
  if (request.system !== undefined) {
    const text = typeof request.system === 'string' ? request.system : joinText(request.system.filter((b) => !isBillingHeader(b)));
    out.push({ role: options.systemRole, content: text });
  }
  request.messages.forEach((message, index) => {
    if (message.role === 'system') out.push({ role: options.systemRole, content: plainText(message, index) });
    else if (message.role === 'assistant') out.push(assistantMessage(message, options));
    else out.push(...userMessages(message, index));
  });
  return out;
}

/**
 * Claude Code opens its system prompt with `x-anthropic-billing-header: cc_version=…;` — billing
 * metadata for Anthropic, not instructions. Sent on, it would only put noise (that changes with
 * every Claude Code release) at the very start of the prompt, where providers' prefix caches
 * (OpenAI's automatic prompt caching) need the text to stay the same.
 */
function isBillingHeader(block: TextBlock): boolean {
  return block.type === 'text' && block.text.startsWith('x-anthropic-billing-header:');
}

function joinText(blocks: Array<{ type: string; text?: string }>): string {
  return blocks.filter((b) => b.type === 'text').map((b) => b.text ?? '').join('\n');
}

function plainText(message: Message, index: number): string {
  if (typeof message.content === 'string') return message.content;
  const other = message.content.find((b) => b.type !== 'text');
  if (other) throw invalid(`messages.${index}: a system message may only hold text blocks, found "${other.type}".`);
  return joinText(message.content as TextBlock[]);
}

function assistantMessage(message: Message, options: MessageOptions): ChatMessage {
  if (typeof message.content === 'string') return { role: 'assistant', content: message.content };
  const texts: string[] = [];
  const thinking: string[] = [];
  const toolCalls: ChatToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text') texts.push(block.text);
    else if (block.type === 'thinking') thinking.push(block.thinking);
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: sanitizeToolId(block.id),
        type: 'function',
        function: { name: options.toolNames.toUpstream(block.name), arguments: JSON.stringify(block.input ?? {}) },
      });
    }
    // redacted_thinking is encrypted for Anthropic only: no other provider can read it.
  }
  const text = texts.join('');
  const chat: ChatMessage & { role: 'assistant' } = {
    role: 'assistant',
    // OpenAI wants null content beside tool_calls, but an empty string when nothing else is left [11].
    content: text.length > 0 || toolCalls.length === 0 ? text : null,
  };
  if (toolCalls.length > 0) chat.tool_calls = toolCalls;
  if (options.sendReasoningContent && thinking.length > 0) chat.reasoning_content = thinking.join('');
  return chat;
}

function userMessages(message: Message, index: number): ChatMessage[] {
  if (typeof message.content === 'string') return [{ role: 'user', content: message.content }];
  const toolMessages: ChatMessage[] = [];
  const moved: ChatUserPart[] = [];
  const parts: ChatUserPart[] = [];
  message.content.forEach((block, blockIndex) => {
    const where = `messages.${index}.content.${blockIndex}`;
    if (block.type === 'tool_result') {
      const texts: string[] = [];
      const blocks = typeof block.content === 'string' ? [{ type: 'text', text: block.content } as TextBlock] : block.content ?? [];
      let movedHere = 0;
      blocks.forEach((inner, innerIndex) => {
        const innerWhere = `${where}.content.${innerIndex}`;
        if (inner.type === 'text') texts.push(inner.text);
        else if (inner.type === 'document' && documentText(inner) !== undefined) texts.push(documentText(inner) ?? '');
        else if (inner.type === 'image' || inner.type === 'document') { moved.push(userPart(inner, innerWhere)); movedHere++; }
        // Newer block types (search_result, ...) are kept as their JSON rather than lost.
        else texts.push(JSON.stringify(withoutCacheControl(inner)));
      });
      let text = texts.join('\n');
      if (movedHere > 0) text += `${text.length > 0 ? '\n' : ''}(${movedHere} attachment${movedHere > 1 ? 's' : ''} of this result follow${movedHere > 1 ? '' : 's'} in the next user message)`;
      if (block.is_error === true) text = `Error: ${text}`;
      toolMessages.push({ role: 'tool', tool_call_id: sanitizeToolId(block.tool_use_id), content: text });
    } else if (block.type === 'text' || block.type === 'image' || block.type === 'document') {
      parts.push(userPart(block, where));
    } else {
      throw invalid(`${where}: a user message cannot hold a "${block.type}" block.`);
    }
  });
  const all = [...moved, ...parts];
  // A user turn that held only tool results has no user message [1]; one with no blocks at all
  // still gets one, with empty content, so no turn disappears [11].
  if (all.length === 0) return toolMessages.length > 0 ? toolMessages : [{ role: 'user', content: '' }];
  const textOnly = all.every((p) => p.type === 'text');
  const user: ChatMessage = {
    role: 'user',
    content: textOnly ? all.map((p) => (p as { text: string }).text).join('\n') : all,
  };
  return [...toolMessages, user];
}

function withoutCacheControl(block: object): object {
  const { cache_control: _ignored, ...rest } = block as Record<string, unknown>;
  return rest;
}

function userPart(block: ContentBlock, where: string): ChatUserPart {
  if (block.type === 'text') return { type: 'text', text: block.text };
  if (block.type === 'image') return imagePart(block);
  if (block.type === 'document') return documentPart(block, where);
  throw invalid(`${where}: a "${block.type}" block cannot be sent to an OpenAI-compatible provider.`);
}

function imagePart(block: ImageBlock): ChatUserPart {
  const source = block.source;
  const url = source.type === 'url' ? source.url : `data:${source.media_type};base64,${source.data}`;
  return { type: 'image_url', image_url: { url } };
}

/** Plain-text documents are just text; anything else needs a file part. */
function documentText(block: DocumentBlock): string | undefined {
  const source = block.source;
  if (source.type === 'text' && typeof source.data === 'string') return source.data;
  if (source.type === 'content' && Array.isArray(source.content)) {
    return joinText(source.content as Array<{ type: string; text?: string }>);
  }
  return undefined;
}

/** PDFs go as `file` parts with a data URL (https://platform.openai.com/docs/guides/pdf-files). */
function documentPart(block: DocumentBlock, where: string): ChatUserPart {
  const text = documentText(block);
  if (text !== undefined) return { type: 'text', text };
  const source = block.source;
  if (source.type === 'base64' && typeof source.data === 'string') {
    const mediaType = typeof source.media_type === 'string' ? source.media_type : 'application/pdf';
    const title = typeof block.title === 'string' && block.title.length > 0 ? block.title : 'document';
    const filename = mediaType === 'application/pdf' && !/\.pdf$/i.test(title) ? `${title}.pdf` : title;
    return { type: 'file', file: { filename, file_data: `data:${mediaType};base64,${source.data}` } };
  }
  throw invalid(
    `${where}: a document with a "${String(source.type)}" source cannot be sent to an OpenAI-compatible provider; ` +
      'send the PDF as base64 (source.type "base64") or its text (source.type "text").',
  );
}

function invalid(message: string): OpenAITranslationError {
  return new OpenAITranslationError({ status: 400, type: 'invalid_request_error', message });
}
