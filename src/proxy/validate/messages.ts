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
      if (!isTextBlock(block)) return systemBlockProblem(block, `messages.${i}.content.${j}`);
      continue;
    }
    const result = checkBlock(block, i, j, -1);
    if (typeof result === 'string') return result;
    if (result) tools = true;
  }
  return tools;
}

/** A text block, all that `system` (top level or a system message) may hold. */
export function isTextBlock(block: unknown): boolean {
  return isObject(block) && block.type === 'text' && typeof block.text === 'string';
}

/** Why a block of `system` is not a text block (called once isTextBlock said no). */
export function systemBlockProblem(block: unknown, path: string): string {
  if (!isObject(block)) return notDictionary(path);
  if (block.type !== 'text') return block.type === undefined ? required(`${path}.type`) : notLiteral(`${path}.type`, ['text']);
  return block.text === undefined ? required(`${path}.text`) : notString(`${path}.text`);
}

/** true when the block is a tool_use or tool_result (the pairing pass then runs). */
function checkBlock(block: unknown, i: number, j: number, k: number): ShapeResult {
  if (!isObject(block)) return notDictionary(blockPath(i, j, k));
  if (typeof block.type !== 'string') return noTag(blockPath(i, j, k));
  const problem = blockProblem(block, k >= 0);
  if (problem) return `${blockPath(i, j, k)}.${problem}`;
  if (block.type === 'tool_result' && k < 0 && Array.isArray(block.content)) {
    const content = block.content as unknown[];
    for (let inner = 0; inner < content.length; inner++) {
      const result = checkBlock(content[inner], i, j, inner);
      if (typeof result === 'string') return result;
    }
  }
  return block.type === 'tool_use' || block.type === 'tool_result';
}

/** What is wrong with one block, as a path relative to it (`tool_use.input: …`); paths are built only on failure. */
function blockProblem(block: Obj, nested: boolean): string | undefined {
  switch (block.type) {
    case 'text':
      return typeof block.text === 'string' ? undefined : checkString(block.text, 'text.text');
    case 'image':
      return checkImageSource(block.source);
    case 'document':
      return checkDocumentSource(block.source);
    case 'tool_use':
      if (typeof block.id === 'string' && typeof block.name === 'string' && isObject(block.input)) return undefined;
      return checkString(block.id, 'tool_use.id') ?? checkString(block.name, 'tool_use.name')
        ?? (block.input === undefined ? required('tool_use.input') : notDictionary('tool_use.input'));
    case 'tool_result': {
      if (nested) return undefined; // not a block a tool result holds: Anthropic's to judge
      if (typeof block.tool_use_id !== 'string') return checkString(block.tool_use_id, 'tool_result.tool_use_id');
      const isError = block.is_error;
      if (isError !== undefined && isError !== null && typeof isError !== 'boolean') return notBoolean('tool_result.is_error');
      const content = block.content;
      return content === undefined || typeof content === 'string' || Array.isArray(content) ? undefined : notList('tool_result.content');
    }
    case 'thinking':
      return typeof block.thinking === 'string' ? undefined : checkString(block.thinking, 'thinking.thinking');
    case 'redacted_thinking':
      return typeof block.data === 'string' ? undefined : checkString(block.data, 'redacted_thinking.data');
    default:
      return undefined;
  }
}

const NONE: readonly unknown[] = [];

function blocksOf(message: Obj): readonly unknown[] {
  return Array.isArray(message.content) ? message.content : NONE;
}

/** Is there a block of `type` whose `field` is `id`? (Nested loops over a turn's few blocks: nothing allocated.) */
function hasBlock(blocks: readonly unknown[], type: string, field: string, id: unknown): boolean {
  for (const block of blocks) {
    if ((block as Obj).type === type && (block as Obj)[field] === id) return true;
  }
  return false;
}

function checkToolPairing(messages: Obj[]): string | undefined {
  let calls: readonly unknown[] = NONE; // blocks of the last user/assistant message, if it was the assistant's
  let callsAt = -1;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    if (message.role === 'system') continue;
    const blocks = blocksOf(message);
    const isUser = message.role === 'user';
    if (isUser) {
      for (let j = 0; j < blocks.length; j++) {
        const block = blocks[j] as Obj;
        if (block.type !== 'tool_result' || hasBlock(calls, 'tool_use', 'id', block.tool_use_id)) continue;
        return `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
    }
    for (const call of calls) {
      if ((call as Obj).type !== 'tool_use' || (isUser && hasBlock(blocks, 'tool_result', 'tool_use_id', (call as Obj).id))) continue;
      const missing = calls.filter((c) => (c as Obj).type === 'tool_use' && !(isUser && hasBlock(blocks, 'tool_result', 'tool_use_id', (c as Obj).id)));
      return `messages.${callsAt}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.map((c) => String((c as Obj).id)).join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    }
    calls = message.role === 'assistant' ? blocks : NONE;
    callsAt = i;
  }
  return undefined;
}
