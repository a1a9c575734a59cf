/**
 * The `source` of an image or a document block
 * (https://docs.anthropic.com/en/docs/build-with-claude/vision#base64-encoded-image-example):
 * base64 data of an allowed media type, a URL, or a Files API id. Anthropic refuses
 *   "…image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'",
 *   "…image.source.base64: invalid base64 data",
 *   "…image.source.base64.data: Image does not match the provided media type image/png",
 * and so does Patchbay, whichever provider is behind: an OpenAI-compatible server handed a
 * `data:text/html;base64,!!!` URL answers with something far less clear, or not at all.
 */
import { checkString, isObject, noTag, notDictionary, notLiteral, required, unknownTag } from './fields.js';

export const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
const IMAGE_SOURCES = ['base64', 'url', 'file'] as const;
const DOCUMENT_SOURCES = ['base64', 'text', 'content', 'url', 'file'] as const;

/**
 * The standard alphabet with up to two `=` of padding (RFC 4648 §4). A linear scan V8 runs at
 * several hundred MB/s: a 5 MB image costs a few milliseconds, and only requests with images pay.
 */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function isBase64(data: string): boolean {
  return data.length % 4 !== 1 && BASE64.test(data);
}

/** Does the start of the decoded data carry the signature of `mediaType`? */
export function matchesMediaType(data: string, mediaType: string): boolean {
  const head = Buffer.from(data.slice(0, 16), 'base64');
  switch (mediaType) {
    case 'image/png': return head.length >= 8 && head[0] === 0x89 && head.toString('latin1', 1, 4) === 'PNG' && head[4] === 0x0d && head[5] === 0x0a && head[6] === 0x1a && head[7] === 0x0a;
    case 'image/jpeg': return head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
    case 'image/gif': return head.length >= 6 && (head.toString('latin1', 0, 6) === 'GIF87a' || head.toString('latin1', 0, 6) === 'GIF89a');
    case 'image/webp': return head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP';
    default: return true;
  }
}

/** `path` is the block's path, e.g. `messages.0.content.1`. */
export function checkImageSource(source: unknown, path: string): string | undefined {
  if (source === undefined) return required(`${path}.image.source`);
  if (!isObject(source)) return notDictionary(`${path}.image.source`);
  const type = source.type;
  if (type === 'base64') {
    const at = `${path}.image.source.base64`;
    const mediaType = source.media_type;
    if (mediaType === undefined) return required(`${at}.media_type`);
    if (typeof mediaType !== 'string' || !(IMAGE_MEDIA_TYPES as readonly string[]).includes(mediaType)) return notLiteral(`${at}.media_type`, IMAGE_MEDIA_TYPES);
    const problem = checkString(source.data, `${at}.data`);
    if (problem) return problem;
    const data = source.data as string;
    if (!isBase64(data)) return `${at}: invalid base64 data`;
    if (!matchesMediaType(data, mediaType)) return `${at}.data: Image does not match the provided media type ${mediaType}`;
    return undefined;
  }
  if (type === 'url') return checkString(source.url, `${path}.image.source.url.url`);
  if (type === 'file') return checkString(source.file_id, `${path}.image.source.file.file_id`);
  return typeof type === 'string' ? unknownTag(`${path}.image.source`, type, IMAGE_SOURCES) : noTag(`${path}.image.source`);
}

export function checkDocumentSource(source: unknown, path: string): string | undefined {
  if (source === undefined) return required(`${path}.document.source`);
  if (!isObject(source)) return notDictionary(`${path}.document.source`);
  const type = source.type;
  const at = `${path}.document.source.${String(type)}`;
  switch (type) {
    case 'base64': {
      if (source.media_type === undefined) return required(`${at}.media_type`);
      if (source.media_type !== 'application/pdf') return notLiteral(`${at}.media_type`, ['application/pdf']);
      const problem = checkString(source.data, `${at}.data`);
      if (problem) return problem;
      return isBase64(source.data as string) ? undefined : `${at}: invalid base64 data`;
    }
    case 'text':
      if (source.media_type === undefined) return required(`${at}.media_type`);
      if (source.media_type !== 'text/plain') return notLiteral(`${at}.media_type`, ['text/plain']);
      return checkString(source.data, `${at}.data`);
    case 'content':
      if (source.content === undefined) return required(`${at}.content`);
      return typeof source.content === 'string' || Array.isArray(source.content) ? undefined : `${at}.content: Input should be a valid list`;
    case 'url': return checkString(source.url, `${at}.url`);
    case 'file': return checkString(source.file_id, `${at}.file_id`);
    default:
      return typeof type === 'string' ? unknownTag(`${path}.document.source`, type, DOCUMENT_SOURCES) : noTag(`${path}.document.source`);
  }
}
