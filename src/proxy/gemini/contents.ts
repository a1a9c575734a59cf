/**
 * Anthropic `messages` → Gemini `contents` (https://ai.google.dev/api/generate-content#Content).
 *
 * Gemini differs from the Messages API in ways that each cost a 400 when ignored:
 *  - roles alternate strictly between `user` and `model`: consecutive turns of one role are merged;
 *  - a function response names its function, not a call id: the name is looked up from the
 *    matching tool_use earlier in the conversation;
 *  - the first functionCall of each model step must carry its `thoughtSignature`, restored from the
 *    `thinking` block the proxy put before the tool_use (see signature.ts), else the documented
 *    dummy value;
 *  - empty text parts are rejected, so they are never sent.
 * There is no system role mid-conversation. Claude Code's `role: "system"` messages (its
 * mid-conversation-system beta) are folded, in place, into a user turn as a marked system note
 * rather than appended to `systemInstruction`: they describe the state at that point of the
 * conversation, and keeping `systemInstruction` unchanged keeps the prompt prefix stable for
 * Gemini's implicit caching.
 */
import type { ContentBlock, DocumentBlock, ImageBlock, Message, TextBlock, ToolResultBlock, ToolUseBlock } from '../anthropic-types.js';
import type { ToolNameMap } from '../provider.js';
import { DUMMY_THOUGHT_SIGNATURE, decodeSignatures, upstreamIdOf } from './signature.js';
import type { GeminiContent, GeminiPart } from './types.js';

export const SYSTEM_NOTE_PREFIX = 'System note:\n';

export function toGeminiContents(messages: Message[], toolNames: ToolNameMap): GeminiContent[] {
  const contents: GeminiContent[] = [];
  // A function response answers a call of the model turn right before it; results for calls
  // further back (or gone after compaction) travel as text.
  let previousCalls = new Map<string, string>();
  for (const message of answerEveryCall(messages)) {
    if (message.role === 'assistant') previousCalls = callsOf(message, toolNames);
    const content = message.role === 'assistant' ? modelContent(message.content, toolNames) : userContent(message, previousCalls);
    if (content.parts.length === 0) continue;
    const last = contents[contents.length - 1];
    if (last && last.role === content.role) last.parts.push(...content.parts);
    else contents.push(content);
  }
  for (const content of contents) if (content.role === 'user') functionResponsesFirst(content);
  return contents;
}

function callsOf(message: Message, toolNames: ToolNameMap): Map<string, string> {
  const calls = new Map<string, string>();
  if (typeof message.content !== 'string') {
    for (const block of message.content) if (block.type === 'tool_use') calls.set(block.id, toolNames.toUpstream(block.name));
  }
  return calls;
}

export const MISSING_RESULT = 'No result was returned for this tool call.';

/**
 * Gemini answers 400 when a function-call turn is followed by fewer function responses than it
 * has calls ("the number of function response parts should be equal to the number of function
 * call parts"). A call the client left unanswered (an interrupted turn) gets an error result.
 */
function answerEveryCall(messages: Message[]): Message[] {
  const out = [...messages];
  for (let i = 0; i < out.length; i++) {
    const message = out[i]!;
    if (message.role !== 'assistant' || typeof message.content === 'string') continue;
    const ids = message.content.filter((b): b is ToolUseBlock => b.type === 'tool_use').map((b) => b.id);
    if (ids.length === 0) continue;
    let next = i + 1;
    while (out[next]?.role === 'system') next++;
    const reply = out[next];
    if (!reply || reply.role !== 'user') continue;
    const blocks: ContentBlock[] = typeof reply.content === 'string' ? (reply.content ? [{ type: 'text', text: reply.content }] : []) : reply.content;
    const answered = new Set(blocks.flatMap((b) => (b.type === 'tool_result' ? [b.tool_use_id] : [])));
    const missing = ids.filter((id) => !answered.has(id));
    if (missing.length === 0) continue;
    const filled: ContentBlock[] = missing.map((id) => ({ type: 'tool_result', tool_use_id: id, is_error: true, content: MISSING_RESULT }));
    out[next] = { ...reply, content: [...filled, ...blocks] };
  }
  return out;
}

function userContent(message: Message, callNames: Map<string, string>): GeminiContent {
  if (typeof message.content === 'string') {
    const text = message.role === 'system' ? SYSTEM_NOTE_PREFIX + message.content : message.content;
    return { role: 'user', parts: message.content.length > 0 ? [{ text }] : [] };
  }
  const results: GeminiPart[] = [];
  const toolImages: GeminiPart[] = [];
  const parts: GeminiPart[] = [];
  for (const block of message.content) {
    if (block.type === 'tool_result') {
      results.push(...toolResultParts(block, callNames, toolImages));
    } else if (block.type === 'text' && message.role === 'system') {
      if (block.text.length > 0) parts.push({ text: SYSTEM_NOTE_PREFIX + block.text });
    } else {
      const part = mediaOrTextPart(block);
      if (part) parts.push(part);
    }
  }
  // Results answer the previous model turn, so they lead (Claude Code often writes text first);
  // images returned by tools follow them (a functionResponse holds JSON only), then the rest.
  return { role: 'user', parts: [...results, ...toolImages, ...parts] };
}

function toolResultParts(block: ToolResultBlock, callNames: Map<string, string>, images: GeminiPart[]): GeminiPart[] {
  const texts: string[] = [];
  if (typeof block.content === 'string') texts.push(block.content);
  else for (const item of block.content ?? []) {
    if (item.type === 'text') texts.push(item.text);
    else {
      const part = mediaOrTextPart(item);
      if (part?.text !== undefined) texts.push(part.text);
      else if (part) images.push(part);
    }
  }
  const text = texts.join('\n');
  const name = callNames.get(block.tool_use_id);
  if (name === undefined) {
    // A result for a call that is not in the model turn right before (compacted history, or an
    // older turn): Gemini rejects a functionResponse that answers no call, so it travels as text.
    const label = block.is_error ? 'Error from tool call' : 'Result of tool call';
    return [{ text: `${label} ${block.tool_use_id}:\n${text}` }];
  }
  const response = block.is_error ? { error: text } : { output: text };
  const id = upstreamIdOf(block.tool_use_id);
  return [{ functionResponse: id === undefined ? { name, response } : { id, name, response } }];
}

function mediaOrTextPart(block: ContentBlock): GeminiPart | undefined {
  if (block.type === 'text') return block.text.length > 0 ? { text: block.text } : undefined;
  if (block.type === 'image') return imagePart(block);
  if (block.type === 'document') return documentPart(block);
  // thinking, redacted_thinking and anything newer carry nothing Gemini can use in a user turn.
  return undefined;
}

function imagePart(block: ImageBlock): GeminiPart {
  const source = block.source;
  if (source.type === 'base64') return { inlineData: { mimeType: source.media_type, data: source.data } };
  return { fileData: { fileUri: source.url, ...mimeFromUrl(source.url) } };
}

function documentPart(block: DocumentBlock): GeminiPart | undefined {
  const source = block.source;
  if (source.type === 'base64' && typeof source.data === 'string') {
    return { inlineData: { mimeType: typeof source.media_type === 'string' ? source.media_type : 'application/pdf', data: source.data } };
  }
  if (source.type === 'text' && typeof source.data === 'string') return source.data.length > 0 ? { text: source.data } : undefined;
  if (source.type === 'url' && typeof source.url === 'string') return { fileData: { fileUri: source.url, mimeType: 'application/pdf' } };
  if (source.type === 'content' && Array.isArray(source.content)) {
    const text = (source.content as TextBlock[]).filter((b) => b.type === 'text').map((b) => b.text).join('\n');
    return text.length > 0 ? { text } : undefined;
  }
  return undefined;
}

function modelContent(content: string | ContentBlock[], toolNames: ToolNameMap): GeminiContent {
  if (typeof content === 'string') return { role: 'model', parts: content.length > 0 ? [{ text: content }] : [] };
  const parts: GeminiPart[] = [];
  const toolSignatures = new Map<string, string>();
  let textSignature: string | undefined;
  const callParts = new Map<string, GeminiPart>();
  for (const block of content) {
    if (block.type === 'text') {
      if (block.text.length > 0) parts.push({ text: block.text });
    } else if (block.type === 'tool_use') {
      const args = block.input && typeof block.input === 'object' && !Array.isArray(block.input) ? (block.input as Record<string, unknown>) : {};
      const id = upstreamIdOf(block.id);
      const part: GeminiPart = { functionCall: id === undefined ? { name: toolNames.toUpstream(block.name), args } : { id, name: toolNames.toUpstream(block.name), args } };
      callParts.set(block.id, part);
      parts.push(part);
    } else if (block.type === 'thinking') {
      // Thought summaries are not sent back (Gemini does not need them); their signatures are.
      for (const entry of decodeSignatures(block.signature)) {
        if (entry.toolUseId === undefined) textSignature = entry.signature;
        else toolSignatures.set(entry.toolUseId, entry.signature);
      }
    }
  }
  for (const [toolUseId, signature] of toolSignatures) {
    const part = callParts.get(toolUseId);
    if (part) part.thoughtSignature = signature;
  }
  const calls = parts.filter((p) => p.functionCall);
  const firstCall = calls[0];
  if (firstCall && !calls.some((p) => p.thoughtSignature)) firstCall.thoughtSignature = DUMMY_THOUGHT_SIGNATURE;
  if (textSignature !== undefined) {
    const lastText = parts.filter((p) => p.text !== undefined).pop();
    if (lastText) lastText.thoughtSignature = textSignature;
  }
  return { role: 'model', parts };
}

/** Gemini pairs function responses with the calls of the previous model turn; they lead the turn. */
function functionResponsesFirst(content: GeminiContent): void {
  const responses = content.parts.filter((p) => p.functionResponse);
  if (responses.length === 0) return;
  content.parts = [...responses, ...content.parts.filter((p) => !p.functionResponse)];
}

const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', heic: 'image/heic', pdf: 'application/pdf',
};

function mimeFromUrl(url: string): { mimeType?: string } {
  const extension = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(url)?.[1]?.toLowerCase();
  const mimeType = extension ? MIME_BY_EXTENSION[extension] : undefined;
  return mimeType ? { mimeType } : {};
}
