/**
 * The request one model answers: the thread's earlier turns, trimmed from the oldest until the
 * proxy's own token estimate (src/proxy/tokens) fits the context budget, then this turn with
 * its files (text, read only inside the roots) and images.
 */
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import type { ContentBlock, Message, MessagesRequest } from '../../proxy/anthropic-types.js';
import { estimateRequestTokens } from '../../proxy/tokens/estimate.js';
import type { ThreadTurn } from '../../store/thread-store.js';
import type { Roots } from '../roots.js';

const MAX_FILE_BYTES = 512 * 1024;
const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp' };

export class PromptInputError extends Error {
  override readonly name = 'PromptInputError';
}

function readInside(roots: Roots, path: string, what: string): Buffer {
  const real = roots.resolve(path, what);
  const size = statSync(real).size;
  if (size > MAX_FILE_BYTES) throw new PromptInputError(`${what} "${path}" is ${size} bytes; the limit is ${MAX_FILE_BYTES}`);
  return readFileSync(real);
}

/** This turn's content blocks: files as tagged text, images as base64, then the prompt. */
export function userContent(prompt: string, roots: Roots, files: string[] = [], images: string[] = []): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  for (const file of files) {
    const text = readInside(roots, file, 'file').toString('utf8');
    blocks.push({ type: 'text', text: `<file path="${file}">\n${text}\n</file>` });
  }
  for (const image of images) {
    const mediaType = IMAGE_TYPES[extname(image).toLowerCase()];
    if (!mediaType) throw new PromptInputError(`image "${image}" is not a PNG, JPEG, GIF or WebP file`);
    blocks.push({ type: 'image', source: { type: 'base64', media_type: mediaType, data: readInside(roots, image, 'image').toString('base64') } } as ContentBlock);
  }
  blocks.push({ type: 'text', text: prompt });
  return blocks;
}

export interface BuildOptions {
  model: string;
  maxTokens: number;
  /** Input tokens the request may use (the model's context less the answer). */
  contextTokens: number;
  system?: string;
}

/** The request, with the oldest turns of the thread dropped (a user/assistant pair at a time) to fit. */
export function buildRequest(history: ThreadTurn[], content: ContentBlock[], options: BuildOptions): { request: MessagesRequest; dropped: number } {
  const past: Message[] = history.map((t) => ({ role: t.role, content: t.content }) as Message);
  const current: Message = { role: 'user', content };
  let dropped = 0;
  const make = (): MessagesRequest => ({
    model: options.model,
    max_tokens: options.maxTokens,
    ...(options.system ? { system: options.system } : {}),
    messages: [...past, current],
  });
  let request = make();
  while (past.length > 0 && estimateRequestTokens(request) > options.contextTokens) {
    past.splice(0, Math.min(2, past.length));
    dropped += 2;
    request = make();
  }
  if (estimateRequestTokens(request) > options.contextTokens) {
    throw new PromptInputError(`the prompt and its files are about ${estimateRequestTokens(request)} tokens, more than the ${options.contextTokens} the server allows (--context-tokens)`);
  }
  return { request, dropped };
}

export function answerText(content: ContentBlock[]): string {
  return content.filter((b) => b.type === 'text').map((b) => (b as { text: string }).text).join('');
}
