/**
 * `messages`, their content blocks, and the pairing of tool calls with their results, checked as
 * the Anthropic API checks them (https://docs.anthropic.com/en/api/messages). Two passes, like
 * the API (schema first, then meaning): the shape of every message and block, then, only when a
 * tool_use or tool_result was seen, that
 *   - every `tool_result` answers a `tool_use` of the assistant message right before it:
 *     "messages.0.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_…. Each
 *     `tool_result` block must have a corresponding `tool_use` block in the previous message."
 *   - every `tool_use` is answered in the next message:
 *     "messages.6: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_….
 *     Each `tool_use` block must have a corresponding `tool_result` block in the next message."
 * `role: "system"` messages (Claude Code's mid-conversation system prompts) hold text only and
 * stand outside the user/assistant pairing.
 *
 * Block types the proxy does not act on (server_tool_use, web_search_tool_result, search_result,
 * container_upload, and whatever the next beta adds) only need to be objects with a `type`: the
 * Anthropic provider judges them itself, and a translation refuses, with a 400 naming the block,
 * what its provider cannot take. Empty text is let through on purpose: translated providers
 * produce it and Claude Code sends it back (translation case 11).
 */
import { checkString, isObject, noTag, notBoolean, notDictionary, notList, notLiteral, notString, required, type Obj } from './fields.js';
import { checkDocumentSource, checkImageSource } from './sources.js';

const ROLES = ['user', 'assistant', 'system'] as const;

/** `messages.i.content.j`, or inside a tool_result `messages.i.content.j.tool_result.content.k`. */
function blockPath(i: number, j: number, k: number): string {
  return k < 0 ? `messages.${i}.content.${j}` : `messages.${i}.content.${j}.tool_result.content.${k}`;
}

/** Result of the shape pass: a message, or whether the pairing pass is needed. */
type ShapeResult = string | boolean;

export function checkMessages(messages: unknown[]): string | undefined {
  let tools = false;
  for (let i = 0; i < messages.length; i++) {
    const result = checkMessage(messages[i], i);
    if (typeof result === 'string') return result;
    if (result) tools = true;
  }
  return tools ? checkToolPairing(messages as Obj[]) : undefined;
}

function checkMessage(message: unknown, i: number): ShapeResult {
  if (!isObject(message)) return notDictionary(`messages.${i}`);
  const role = message.role;
  if (role !== 'user' && role !== 'assistant' && role !== 'system') {
    return role === undefined ? required(`messages.${i}.role`) : notLiteral(`messages.${i}.role`, ROLES);
  }
  const content = message.content;
  if (typeof content === 'string') return false;
  if (content === undefined) return required(`messages.${i}.content`);
  if (!Array.isArray(content)) return notList(`messages.${i}.content`);
  let tools = false;
  for (let j = 0; j < content.length; j++) {
    const block: unknown = content[j];
    if (role === 'system') {
      const problem = checkSystemBlock(block, `messages.${i}.content.${j}`);
      if (problem) return problem;
      continue;
    }
    const result = checkBlock(block, i, j, -1);
    if (typeof result === 'string') return result;
    if (result) tools = true;
  }
  return tools;
}

/** A text block of `system` (top level or a system message). */
export function checkSystemBlock(block: unknown, path: string): string | undefined {
  if (!isObject(block)) return notDictionary(path);
  if (block.type !== 'text') return block.type === undefined ? required(`${path}.type`) : notLiteral(`${path}.type`, ['text']);
  return checkString(block.text, `${path}.text`);
}

/** true when the block is a tool_use or tool_result (the pairing pass then runs). */
function checkBlock(block: unknown, i: number, j: number, k: number): ShapeResult {
  if (!isObject(block)) return notDictionary(blockPath(i, j, k));
  switch (block.type) {
    case 'text':
      return typeof block.text === 'string' ? false : (block.text === undefined ? required : notString)(`${blockPath(i, j, k)}.text.text`);
    case 'image':
      return checkImageSource(block.source, blockPath(i, j, k)) ?? false;
    case 'document':
      return checkDocumentSource(block.source, blockPath(i, j, k)) ?? false;
    case 'tool_use': {
      const at = `${blockPath(i, j, k)}.tool_use`;
      const problem = checkString(block.id, `${at}.id`) ?? checkString(block.name, `${at}.name`);
      if (problem) return problem;
      if (block.input === undefined) return required(`${at}.input`);
      return isObject(block.input) ? true : notDictionary(`${at}.input`);
    }
    case 'tool_result':
      return k < 0 ? checkToolResult(block, i, j) : false;
    case 'thinking':
      return typeof block.thinking === 'string' ? false : (block.thinking === undefined ? required : notString)(`${blockPath(i, j, k)}.thinking.thinking`);
    case 'redacted_thinking':
      return typeof block.data === 'string' ? false : (block.data === undefined ? required : notString)(`${blockPath(i, j, k)}.redacted_thinking.data`);
    default:
      return typeof block.type === 'string' ? false : noTag(blockPath(i, j, k));
  }
}

function checkToolResult(block: Obj, i: number, j: number): ShapeResult {
  const at = `${blockPath(i, j, -1)}.tool_result`;
  const problem = checkString(block.tool_use_id, `${at}.tool_use_id`);
  if (problem) return problem;
  if (block.is_error !== undefined && block.is_error !== null && typeof block.is_error !== 'boolean') return notBoolean(`${at}.is_error`);
  const content = block.content;
  if (content === undefined || typeof content === 'string') return true;
  if (!Array.isArray(content)) return notList(`${at}.content`);
  for (let k = 0; k < content.length; k++) {
    const result = checkBlock(content[k], i, j, k);
    if (typeof result === 'string') return result;
  }
  return true;
}

const NONE: readonly unknown[] = [];

function blocksOf(message: Obj): readonly unknown[] {
  return Array.isArray(message.content) ? message.content : NONE;
}

function toolUseIds(message: Obj): string[] {
  const ids: string[] = [];
  for (const block of blocksOf(message)) {
    if ((block as Obj).type === 'tool_use') ids.push((block as Obj).id as string);
  }
  return ids;
}

function checkToolPairing(messages: Obj[]): string | undefined {
  let calls: string[] = []; // tool_use ids of the last user/assistant message, if it was the assistant's
  let callsAt = -1;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    if (message.role === 'system') continue;
    const blocks = blocksOf(message);
    const answered: string[] = [];
    if (message.role === 'user') {
      for (let j = 0; j < blocks.length; j++) {
        const block = blocks[j] as Obj;
        if (block.type !== 'tool_result') continue;
        const id = block.tool_use_id as string;
        if (!calls.includes(id)) {
          return `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
        }
        answered.push(id);
      }
    }
    const missing = calls.length === 0 ? calls : calls.filter((id) => !answered.includes(id));
    if (missing.length > 0) {
      return `messages.${callsAt}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    }
    calls = message.role === 'assistant' ? toolUseIds(message) : [];
    callsAt = i;
  }
  return undefined;
}
