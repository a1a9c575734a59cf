/**
 * Incremental Server-Sent Events parser for upstream streams (WHATWG HTML, "Server-sent events",
 * §9.2.6 event stream interpretation). Upstreams cut their byte streams anywhere: in the middle
 * of a line, of a `\r\n` pair, or of a multi-byte UTF-8 character. Bytes are decoded with a
 * streaming TextDecoder (which holds back an incomplete character) and lines are split only when
 * complete, so no event is lost or garbled at a chunk boundary.
 */

export interface SseMessage {
  /** The `event:` field, or undefined for the default "message" type. */
  event: string | undefined;
  /** The `data:` lines joined with "\n". */
  data: string;
}

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private pending = '';
  /** A chunk ended in '\r': if the next starts with '\n', that '\n' belongs to the same line end. */
  private skipLeadingLf = false;
  private eventType: string | undefined;
  private dataLines: string[] = [];

  /** Feed bytes (or already-decoded text); returns the messages completed by them. */
  push(chunk: Uint8Array | string): SseMessage[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    // Nothing decoded (an empty read, or only part of a character): a pending '\r' still waits for its '\n'.
    if (text.length === 0) return [];
    if (this.skipLeadingLf && text.startsWith('\n')) text = text.slice(1);
    this.skipLeadingLf = false;
    if (text.length === 0) return [];
    const out: SseMessage[] = [];
    const buffer = this.pending + text;
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const ch = buffer.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      this.line(buffer.slice(start, i), out);
      if (ch === 13) {
        if (i + 1 < buffer.length) {
          if (buffer.charCodeAt(i + 1) === 10) i++;
        } else {
          this.skipLeadingLf = true;
        }
      }
      start = i + 1;
    }
    this.pending = buffer.slice(start);
    return out;
  }

  /** End of stream: a final event without its blank line is still dispatched. */
  end(): SseMessage[] {
    const out: SseMessage[] = [];
    const rest = this.pending + this.decoder.decode();
    this.pending = '';
    if (rest.length > 0) this.line(rest, out);
    this.line('', out);
    return out;
  }

  private line(line: string, out: SseMessage[]): void {
    if (line.length === 0) {
      if (this.dataLines.length > 0) out.push({ event: this.eventType, data: this.dataLines.join('\n') });
      this.dataLines = [];
      this.eventType = undefined;
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' comment */) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.dataLines.push(value);
    else if (field === 'event') this.eventType = value;
  }
}
