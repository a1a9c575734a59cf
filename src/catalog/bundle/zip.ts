/**
 * Unpacking an MCP Bundle (a zip) without trusting its names: every entry is checked against
 * the zip's central directory before anything is written, and the whole bundle is refused when
 * one entry has an absolute path, a drive letter, a `..` segment, a backslash, or is a symbolic
 * link (unix mode S_IFLNK in the external attributes) — zip-slip and links out of the folder.
 * The signature block a signed bundle carries after the zip is cut off first (mcpb's own helper).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { PatchbayError } from '../../errors.js';

export interface ZipEntryInfo {
  name: string;
  /** Unix mode from the external attributes (0 when the archive came from another OS). */
  mode: number;
}

/** The central directory's names and modes (PKWARE APPNOTE 4.3.12). */
export function listZip(data: Uint8Array): ZipEntryInfo[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let end = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 65_535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new PatchbayError('USAGE', 'the bundle is not a zip file (no end of central directory)');
  const count = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  const out: ZipEntryInfo[] = [];
  for (let n = 0; n < count; n++) {
    if (offset + 46 > data.length || view.getUint32(offset, true) !== 0x02014b50) throw new PatchbayError('USAGE', 'the bundle\'s zip directory is damaged');
    const madeBy = view.getUint16(offset + 4, true) >> 8;
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const external = view.getUint32(offset + 38, true);
    const name = new TextDecoder().decode(data.subarray(offset + 46, offset + 46 + nameLength));
    out.push({ name, mode: madeBy === 3 ? external >>> 16 : 0 });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}

export function unsafeReason(entry: ZipEntryInfo): string | undefined {
  const { name, mode } = entry;
  if ((mode & 0o170000) === 0o120000) return 'is a symbolic link';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'has an absolute path';
  if (name.includes('\\')) return 'has a backslash in its path';
  if (name.includes('\u0000')) return 'has a NUL in its path';
  if (name.split('/').includes('..')) return 'climbs out of the folder (..)';
  return undefined;
}

/** Writes every file under `target` (created 0700); refuses the bundle when any entry is unsafe. */
export async function extractZip(data: Uint8Array, target: string): Promise<string[]> {
  for (const entry of listZip(data)) {
    const reason = unsafeReason(entry);
    if (reason) throw new PatchbayError('USAGE', `the bundle was refused: its entry "${entry.name.slice(0, 200)}" ${reason}; nothing was installed`, { hint: 'Bundles may only contain plain files inside their own folder. Tell the bundle\'s author.' });
  }
  const files = unzipSync(data);
  const root = resolve(target);
  const written: string[] = [];
  const modes = new Map(listZip(data).map((e) => [e.name, e.mode]));
  await mkdir(root, { recursive: true, mode: 0o700 });
  for (const [name, content] of Object.entries(files)) {
    const path = resolve(root, name);
    if (path !== root && !path.startsWith(root + sep)) throw new PatchbayError('USAGE', `the bundle was refused: "${name}" resolves outside the folder`);
    if (name.endsWith('/')) {
      await mkdir(path, { recursive: true, mode: 0o700 });
      continue;
    }
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const mode = modes.get(name) ?? 0;
    await writeFile(path, content, { mode: mode & 0o111 ? 0o700 : 0o600, flag: 'wx' });
    written.push(join(name));
  }
  return written;
}
