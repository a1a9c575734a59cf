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
 * Is `data` standard base64 (RFC 4648 §4: `A–Z a–z 0–9 + /`, at most two `=` at the end)?
 * Node's decoder skips what is not base64 (and also takes the URL-safe `-` and `_`), so data is
 * valid exactly when it has neither of those and decodes to the bytes its length promises.
 * Decoded 64 KiB at a time into one scratch buffer, it costs about 0.1 ms per MB and allocates
 * nothing: a regular expression took 3–5 ms per MB, and an image stays in the conversation, so
 * it is checked again on every later turn.
 */
const CHUNK = 64 * 1024;
const scratch = Buffer.allocUnsafe((CHUNK / 4) * 3);

export function isBase64(data: string): boolean {
  const n = data.length;
  if (n % 4 === 1 || data.indexOf('-') !== -1 || data.indexOf('_') !== -1) return false;
  let padding = 0;
  if (data.charCodeAt(n - 1) === 0x3d) padding++;
  if (data.charCodeAt(n - 2) === 0x3d) padding++;
  let decoded = 0;
  for (let at = 0; at < n; at += CHUNK) decoded += scratch.write(n <= CHUNK ? data : data.slice(at, at + CHUNK), 0, 'base64');
  return decoded === Math.floor(((n - padding) * 3) / 4);
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

/**
 * The problem with an image block's `source`, as a path relative to the block
 * (`image.source.base64.media_type: …`), or undefined. Paths are built only on failure.
 */
export function checkImageSource(source: unknown): string | undefined {
  if (source === undefined) return required('image.source');
  if (!isObject(source)) return notDictionary('image.source');
  const type = source.type;
  if (type === 'base64') {
    const mediaType = source.media_type;
    if (mediaType === undefined) return required('image.source.base64.media_type');
    if (typeof mediaType !== 'string' || !(IMAGE_MEDIA_TYPES as readonly string[]).includes(mediaType)) return notLiteral('image.source.base64.media_type', IMAGE_MEDIA_TYPES);
    const data = source.data;
    if (typeof data !== 'string') return checkString(data, 'image.source.base64.data');
    if (!isBase64(data)) return 'image.source.base64: invalid base64 data';
    if (!matchesMediaType(data, mediaType)) return `image.source.base64.data: Image does not match the provided media type ${mediaType}`;
    return undefined;
  }
  if (type === 'url') return typeof source.url === 'string' ? undefined : checkString(source.url, 'image.source.url.url');
  if (type === 'file') return typeof source.file_id === 'string' ? undefined : checkString(source.file_id, 'image.source.file.file_id');
  return typeof type === 'string' ? unknownTag('image.source', type, IMAGE_SOURCES) : noTag('image.source');
}

/** The same for a document block (`document.source.base64.media_type: …`). */
export function checkDocumentSource(source: unknown): string | undefined {
  if (source === undefined) return required('document.source');
  if (!isObject(source)) return notDictionary('document.source');
  switch (source.type) {
    case 'base64':
      if (source.media_type === undefined) return required('document.source.base64.media_type');
      if (source.media_type !== 'application/pdf') return notLiteral('document.source.base64.media_type', ['application/pdf']);
      if (typeof source.data !== 'string') return checkString(source.data, 'document.source.base64.data');
      return isBase64(source.data) ? undefined : 'document.source.base64: invalid base64 data';
    case 'text':
      if (source.media_type === undefined) return required('document.source.text.media_type');
      if (source.media_type !== 'text/plain') return notLiteral('document.source.text.media_type', ['text/plain']);
      return typeof source.data === 'string' ? undefined : checkString(source.data, 'document.source.text.data');
    case 'content':
      if (typeof source.content === 'string' || Array.isArray(source.content)) return undefined;
      return source.content === undefined ? required('document.source.content.content') : 'document.source.content.content: Input should be a valid list';
    case 'url': return typeof source.url === 'string' ? undefined : checkString(source.url, 'document.source.url.url');
    case 'file': return typeof source.file_id === 'string' ? undefined : checkString(source.file_id, 'document.source.file.file_id');
    default:
      return typeof source.type === 'string' ? unknownTag('document.source', source.type, DOCUMENT_SOURCES) : noTag('document.source');
  }
}
