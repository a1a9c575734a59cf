/**
 * `patchbay logs [NAME] [-f] [-n lines]`: prints the end of `mcp.log` or
 * `mcp-server-NAME.log`, and with `follow` keeps printing what is appended — across rotation:
 * the open handle is read to its end before the new file is opened, so no line written between
 * two polls is lost when the writer renames `x.log` to `x.log.1`.
 */
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { PatchbayError } from '../../errors.js';
import { patchbayPaths } from '../../paths.js';
import { serverLogFileName } from './hub-logs.js';

export interface ShowLogsOptions {
  name?: string;
  follow?: boolean;
  lines?: number;
  dir?: string;
  write?: (text: string) => void;
  /** Ends following. */
  signal?: AbortSignal;
  pollMs?: number;
}

export async function showLogs(options: ShowLogsOptions): Promise<void> {
  const dir = options.dir ?? patchbayPaths().log;
  const file = join(dir, options.name ? serverLogFileName(options.name) : 'mcp.log');
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const lines = options.lines ?? 50;

  let handle = await open(file, 'r').catch(() => undefined);
  if (!handle && !options.follow) throw await missingLog(dir, file, options.name);
  let position = 0;
  if (handle) {
    const tail = await lastLines(handle, lines);
    write(tail.text);
    position = tail.end;
  }
  if (!options.follow) {
    await handle?.close();
    return;
  }

  const pollMs = options.pollMs ?? 250;
  const buffer = Buffer.alloc(64 * 1024);
  try {
    while (!options.signal?.aborted) {
      if (handle) position = await drain(handle, position, buffer, write);
      const current = await stat(file).catch(() => undefined);
      const openIno = handle ? (await handle.stat()).ino : undefined;
      if (current && current.ino !== openIno) {
        // Rotated (or created): finish the old file, then start the new one at its beginning.
        if (handle) {
          await drain(handle, position, buffer, write);
          await handle.close();
        }
        handle = await open(file, 'r').catch(() => undefined);
        position = 0;
        continue;
      }
      if (current && handle && current.size < position) position = 0; // truncated in place
      await sleep(pollMs, options.signal);
    }
    if (handle) await drain(handle, position, buffer, write);
  } finally {
    await handle?.close();
  }
}

async function drain(handle: FileHandle, position: number, buffer: Buffer, write: (text: string) => void): Promise<number> {
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return position;
    write(buffer.subarray(0, bytesRead).toString('utf8'));
    position += bytesRead;
  }
}

/** The last `count` lines, read backwards in blocks so a 10 MB log costs only its tail. */
async function lastLines(handle: FileHandle, count: number): Promise<{ text: string; end: number }> {
  const { size } = await handle.stat();
  if (count <= 0) return { text: '', end: size };
  const block = 64 * 1024;
  let start = size;
  let text = '';
  let newlines = 0;
  while (start > 0 && newlines <= count) {
    const from = Math.max(0, start - block);
    const buf = Buffer.alloc(start - from);
    await handle.read(buf, 0, buf.length, from);
    text = buf.toString('utf8') + text;
    newlines = (text.match(/\n/g) ?? []).length;
    start = from;
  }
  const all = text.split('\n');
  const trailing = all.at(-1) === '' ? all.pop() : undefined;
  const kept = all.slice(-count).join('\n') + (trailing === '' ? '\n' : '');
  return { text: kept, end: size };
}

async function missingLog(dir: string, file: string, name: string | undefined): Promise<PatchbayError> {
  const present = (await readdir(dir).catch(() => [] as string[]))
    .filter((f) => /^mcp-server-.*\.log$/.test(f))
    .map((f) => f.slice('mcp-server-'.length, -'.log'.length));
  const known = present.length > 0 ? ` Servers with logs: ${present.join(', ')}.` : '';
  return new PatchbayError(name ? 'SERVER_NOT_FOUND' : 'USAGE', `No log at ${file}${name ? ` for server "${name}"` : ''}.`, {
    hint: `The hub writes it once it has run${name ? ' that server' : ''} (patchbay up).${known} Use -f to wait for it.`,
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
