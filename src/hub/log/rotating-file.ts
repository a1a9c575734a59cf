/**
 * An append-only log file rotated by size, the way Claude Desktop's logs are kept
 * (`mcp.log`, `mcp.log.1`, ... oldest dropped). Lines are queued in memory and written in
 * batches through one append stream, so a chatty server never blocks the event loop with a
 * synchronous write per line. A file never grows past maxBytes unless one line alone is longer. When the disk cannot keep up, the queue is capped and the number
 * of dropped lines is written once the queue drains, so a flood costs memory only up to a bound.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { chmod, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensurePrivateDir } from '../../paths.js';

export interface RotatingFileOptions {
  path: string;
  /** Rotate once the file reaches this many bytes (default 10 MB). */
  maxBytes?: number;
  /** Rotated files kept beside the live one: `<path>.1` … `<path>.<keep>` (default 3). */
  keep?: number;
  /** Lines held in memory while a write is in progress before new ones are dropped (default 10,000). */
  maxQueuedLines?: number;
}

export interface RotatingFile {
  readonly path: string;
  /** Queues one line (a newline is added). Never throws, never blocks. */
  write(line: string): void;
  /** Resolves when everything queued so far is on disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function createRotatingFile(options: RotatingFileOptions): RotatingFile {
  const path = options.path;
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const keep = options.keep ?? 3;
  const maxQueued = options.maxQueuedLines ?? 10_000;

  let queue: string[] = [];
  let dropped = 0;
  let size = -1; // unknown until the file is opened
  let stream: WriteStream | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  async function open(): Promise<WriteStream> {
    if (stream) return stream;
    // Logs name servers, tools and errors: owner-only, like everything Patchbay writes (issue 9).
    await ensurePrivateDir(dirname(path));
    size = await stat(path).then((s) => s.size, () => 0);
    stream = createWriteStream(path, { flags: 'a', mode: 0o600 });
    if (size > 0) await chmod(path, 0o600).catch(() => undefined);
    // A failing disk must not crash the hub: the error is swallowed here and the next batch
    // reopens the file.
    stream.on('error', () => {
      stream = undefined;
    });
    return stream;
  }

  async function rotate(): Promise<void> {
    const current = stream;
    stream = undefined;
    if (current) await new Promise<void>((resolve) => current.end(resolve));
    await rm(`${path}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) {
      await rename(`${path}.${i}`, `${path}.${i + 1}`).catch(() => undefined);
    }
    await rename(path, `${path}.1`).catch(() => undefined);
    size = 0;
  }

  function writeChunk(target: WriteStream, chunk: string): Promise<void> {
    return new Promise((resolve) => {
      if (target.write(chunk)) resolve();
      else target.once('drain', resolve);
    });
  }

  async function drain(): Promise<void> {
    while (queue.length > 0 || dropped > 0) {
      const lines = queue;
      queue = [];
      if (dropped > 0) {
        lines.push(`${new Date().toISOString()} [patchbay] [warn] ${dropped} log lines dropped: the disk was slower than the server`);
        dropped = 0;
      }
      try {
        await writeLines(lines);
      } catch {
        // Logging is best effort; losing a batch is better than taking the hub down.
      }
    }
  }

  /** Writes a batch as few large chunks, rotating exactly where the next line would overflow. */
  async function writeLines(lines: string[]): Promise<void> {
    let target = await open();
    let chunk = '';
    let chunkBytes = 0;
    for (const line of lines) {
      const text = line + '\n';
      const bytes = Buffer.byteLength(text);
      if (size + chunkBytes + bytes > maxBytes && size + chunkBytes > 0) {
        if (chunk) await writeChunk(target, chunk);
        await rotate();
        target = await open();
        chunk = '';
        chunkBytes = 0;
      }
      chunk += text;
      chunkBytes += bytes;
    }
    if (chunk) await writeChunk(target, chunk);
    size += chunkBytes;
  }

  function kick(): void {
    if (running) return;
    running = drain().finally(() => {
      running = undefined;
      if ((queue.length > 0 || dropped > 0) && !closed) kick();
    });
  }

  return {
    path,
    write(line) {
      if (closed) return;
      if (queue.length >= maxQueued) {
        dropped++;
        return;
      }
      queue.push(line);
      kick();
    },
    async flush() {
      while (running || queue.length > 0) {
        if (!running) kick();
        await running;
      }
    },
    async close() {
      await this.flush();
      closed = true;
      const current = stream;
      stream = undefined;
      if (current) await new Promise<void>((resolve) => current.end(resolve));
    },
  };
}
