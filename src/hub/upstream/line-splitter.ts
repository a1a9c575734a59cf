/**
 * Splits a child's stdout into lines (MCP stdio transport: newline-delimited JSON-RPC, spec
 * 2025-11-25 basic/transports "stdio"), in time linear in the bytes read. Each chunk is searched
 * for a newline once; its complete lines are decoded with one toString and sliced; the chunks of
 * an unfinished line are kept as they came and joined once when its newline arrives. (The splitter this replaces appended every chunk to one string and
 * searched it from the start again: a 20 MB line in 64 KiB chunks cost ~320 scans of up to
 * 20 MB, and the hub sat at 100% CPU for seconds — bench/hub/stdio-lines.mjs.)
 *
 * Lines are split on bytes: a newline byte never occurs inside a multi-byte UTF-8 sequence, so no
 * decoder state crosses a line. A line longer than `maxLineBytes` is never
 * held: from the moment it crosses the limit its bytes are counted and dropped, keeping only its
 * first and last KiB, which usually hold the JSON-RPC id (stdio-transport.ts answers the
 * request it belonged to with an error).
 */

import { StringDecoder } from 'node:string_decoder';

export interface OversizedLine {
  bytes: number;
  /** The line's first KEEP_BYTES bytes, decoded. */
  head: string;
  /** Its last KEEP_BYTES bytes, decoded. */
  tail: string;
}

export interface LineSplitterOptions {
  maxLineBytes: number;
  onLine(line: string): void;
  onOversized(line: OversizedLine): void;
}

export interface LineSplitter {
  push(chunk: Buffer): void;
  /**
   * The start of a line still waiting for its newline (decoded, at most KEEP_BYTES), and how many
   * bytes it has so far: a prompt such as cmd.exe's "Terminate batch job (Y/N)? " has none.
   */
  unterminated(): { head: string; bytes: number } | undefined;
  /** The stream ended: a last line without a newline is delivered too. */
  end(): void;
}

const KEEP_BYTES = 1024;

/**
 * Decodes the chunks of one line piece by piece and joins the strings, instead of concatenating
 * the bytes first: a 30 MB Buffer.concat is one large malloc, and glibc then raises its mmap
 * threshold and keeps such blocks in the process after they are freed (RSS that never comes
 * back); strings live in V8's heap, whose large objects are returned when collected.
 */
function join(chunks: Buffer[]): string {
  const decoder = new StringDecoder('utf8');
  const strings: string[] = new Array<string>(chunks.length);
  for (let i = 0; i < chunks.length; i++) strings[i] = decoder.write(chunks[i]!);
  let line = strings.join('') + decoder.end();
  if (line.charCodeAt(line.length - 1) === CR) line = line.slice(0, -1);
  return line;
}
const NEWLINE = 0x0a;
const CR = 0x0d;

export function createLineSplitter(options: LineSplitterOptions): LineSplitter {
  const max = options.maxLineBytes;
  let parts: Buffer[] = [];
  let size = 0;
  /** Set while dropping a line that went over the limit. */
  let dropping: { bytes: number; head: string; tail: Buffer } | undefined;

  function emit(line: Buffer): void {
    const end = line.length > 0 && line[line.length - 1] === CR ? line.length - 1 : line.length;
    options.onLine(line.toString('utf8', 0, end));
  }

  function startDropping(piece: Buffer): void {
    const all = parts.length === 0 ? piece : Buffer.concat([...parts, piece]);
    dropping = { bytes: size + piece.length, head: all.subarray(0, KEEP_BYTES).toString('utf8'), tail: Buffer.from(all.subarray(-KEEP_BYTES)) };
    parts = [];
    size = 0;
  }

  function keepTail(piece: Buffer): void {
    const d = dropping!;
    d.bytes += piece.length;
    d.tail = piece.length >= KEEP_BYTES ? Buffer.from(piece.subarray(-KEEP_BYTES)) : Buffer.concat([d.tail, piece]).subarray(-KEEP_BYTES);
  }

  function reportDropped(): void {
    const d = dropping!;
    dropping = undefined;
    const tailEnd = d.tail.length > 0 && d.tail[d.tail.length - 1] === CR ? d.tail.length - 1 : d.tail.length;
    options.onOversized({ bytes: d.bytes, head: d.head, tail: d.tail.toString('utf8', 0, tailEnd) });
  }

  /** Bytes without a newline: the start of a line whose end has not arrived. */
  function hold(piece: Buffer): void {
    if (piece.length === 0) return;
    if (dropping) keepTail(piece);
    else if (size + piece.length > max) startDropping(piece);
    else {
      parts.push(piece);
      size += piece.length;
    }
  }

  /** A line's last bytes arrived (up to, not including, its newline). */
  function complete(piece: Buffer): void {
    hold(piece);
    if (dropping) reportDropped();
    else {
      const held = parts;
      parts = [];
      size = 0;
      if (held.length === 1) emit(held[0]!);
      else options.onLine(join(held));
    }
  }

  /** Whole lines decoded in one go: `text` holds one or more lines separated by "\n". */
  function lines(text: string): void {
    let start = 0;
    while (start <= text.length) {
      let newline = text.indexOf('\n', start);
      if (newline === -1) newline = text.length;
      let end = newline;
      if (end > start && text.charCodeAt(end - 1) === CR) end--;
      // Characters never outnumber bytes, and a character is at most 3 bytes in UTF-16 terms.
      const length = end - start;
      if (length * 3 > max && (length > max || Buffer.byteLength(text.slice(start, end)) > max)) {
        options.onOversized({ bytes: Buffer.byteLength(text.slice(start, end)), head: text.slice(start, Math.min(end, start + KEEP_BYTES)), tail: text.slice(Math.max(start, end - KEEP_BYTES), end) });
      } else {
        options.onLine(text.slice(start, end));
      }
      start = newline + 1;
    }
  }

  return {
    push(chunk) {
      const first = chunk.indexOf(NEWLINE);
      if (first === -1) {
        hold(chunk);
        return;
      }
      if (parts.length === 0 && !dropping) {
        // The common case: this chunk starts a line. Every complete line in it is decoded at once.
        const last = chunk.lastIndexOf(NEWLINE);
        lines(chunk.toString('utf8', 0, last));
        hold(chunk.subarray(last + 1));
        return;
      }
      complete(chunk.subarray(0, first));
      const last = chunk.lastIndexOf(NEWLINE);
      if (last > first) lines(chunk.toString('utf8', first + 1, last));
      hold(chunk.subarray(last + 1));
    },
    unterminated() {
      if (dropping) return { head: dropping.head, bytes: dropping.bytes };
      if (size === 0) return undefined;
      const head: Buffer[] = [];
      let taken = 0;
      for (const part of parts) {
        if (taken >= KEEP_BYTES) break;
        head.push(part.subarray(0, KEEP_BYTES - taken));
        taken += head[head.length - 1]!.length;
      }
      return { head: join(head), bytes: size };
    },
    end() {
      if (dropping) reportDropped();
      else if (size > 0) options.onLine(join(parts));
      parts = [];
      size = 0;
    },
  };
}
