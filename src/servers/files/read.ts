/**
 * Reading through the guard: text paged by lines (with line numbers), images as MCP image
 * content, PDFs as an embedded resource. Everything is read from a descriptor opened with
 * O_NOFOLLOW and re-checked (PathGuard.openChecked), never from the path a second time.
 */
import { constants } from 'node:fs';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PathGuard } from './path-guard.js';

export const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp', '.bmp': 'image/bmp', '.svg': 'image/svg+xml' };
const MAX_BINARY = 20 * 1024 * 1024;
/** Text beyond this many characters is cut, with the line to continue from. */
export const MAX_TEXT_CHARS = 2 * 1024 * 1024;

export interface TextPage {
  text: string;
  /** First line shown (1-based), last line shown, total lines. */
  from: number;
  to: number;
  total: number;
  /** Where the next page starts, when there is more. */
  next?: number;
}

export type ReadContent =
  | { type: 'text'; text: string }
  | { type: 'image'; data: string; mimeType: string }
  | { type: 'resource'; resource: { uri: string; mimeType: string; blob: string } };

export async function readBytes(guard: PathGuard, path: string, max = MAX_BINARY): Promise<Buffer> {
  const handle = await guard.openChecked(path, constants.O_RDONLY);
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new Error(`${path} is a directory; use list_directory`);
    if (stat.size > max) throw new Error(`${path} is ${stat.size} bytes, more than ${max} this tool reads at once`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * Lines `offset`..`offset+limit-1` (1-based); with numbers, each line is `N\t…`. One scan for
 * newlines with indexOf (no array of every line): a 1 MB file is read whole in one slice.
 */
export function pageLines(content: string, offset: number, limit: number, numbers: boolean): TextPage {
  const ends: number[] = []; // end index (exclusive, before the newline) of each shown line
  let total = 0;
  let pos = 0;
  let fromIndex = 0;
  const want = Math.max(1, offset);
  while (pos <= content.length) {
    let nl = content.indexOf('\n', pos);
    if (nl === -1) nl = content.length;
    if (nl === content.length && pos === content.length && total > 0) break; // trailing newline
    total++;
    if (total === want) fromIndex = pos;
    if (total >= want && total < want + limit) ends.push(nl > pos && content.charCodeAt(nl - 1) === 13 ? nl - 1 : nl);
    pos = nl + 1;
  }
  const from = Math.min(want, Math.max(1, total));
  if (want > total) return { text: '', from, to: total, total };
  let to = from + ends.length - 1;
  let text: string;
  if (!numbers && !content.includes('\r')) {
    const last = ends.length ? ends[ends.length - 1]! : fromIndex;
    if (last - fromIndex > MAX_TEXT_CHARS) {
      // Cut at the last whole line that fits.
      let k = ends.length - 1;
      while (k > 0 && ends[k]! - fromIndex > MAX_TEXT_CHARS) k--;
      to = from + k;
      text = content.slice(fromIndex, ends[k]);
    } else text = content.slice(fromIndex, last);
  } else {
    const width = String(to).length;
    const out: string[] = [];
    let chars = 0;
    let start = fromIndex;
    for (let k = 0; k < ends.length; k++) {
      const body = content.slice(start, ends[k]);
      const line = numbers ? `${String(from + k).padStart(width)}\t${body}` : body;
      if (chars + line.length > MAX_TEXT_CHARS && out.length > 0) {
        to = from + k - 1;
        break;
      }
      out.push(line);
      chars += line.length + 1;
      start = content.indexOf('\n', ends[k]!) + 1;
    }
    text = out.join('\n');
  }
  return { text, from, to, total, ...(to < total ? { next: to + 1 } : {}) };
}

export async function readForModel(guard: PathGuard, path: string, offset: number, limit: number, numbers: boolean): Promise<ReadContent[]> {
  const ext = extname(path).toLowerCase();
  const image = IMAGE_TYPES[ext];
  if (image && ext !== '.svg') return [{ type: 'image', data: (await readBytes(guard, path)).toString('base64'), mimeType: image }];
  if (ext === '.pdf') {
    return [{ type: 'resource', resource: { uri: pathToFileURL(path).href, mimeType: 'application/pdf', blob: (await readBytes(guard, path)).toString('base64') } }];
  }
  const bytes = await readBytes(guard, path, 512 * 1024 * 1024);
  if (bytes.subarray(0, 8000).includes(0)) throw new Error(`${path} looks binary (${bytes.length} bytes); file_info describes it`);
  const page = pageLines(bytes.toString('utf8'), offset, limit, numbers);
  const note = page.next ? `\n\n[lines ${page.from}–${page.to} of ${page.total}; continue with offset ${page.next}]` : page.from > 1 ? `\n\n[lines ${page.from}–${page.to} of ${page.total}]` : '';
  return [{ type: 'text', text: page.text + note }];
}
