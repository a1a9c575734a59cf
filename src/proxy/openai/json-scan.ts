/**
 * An incremental check that streamed tool arguments are still a valid prefix of a JSON object
 * (RFC 8259 grammar; the top level must be an object, because Anthropic's tool `input` is one).
 * It tells the stream translator how much of the arguments it can forward unchanged: everything up
 * to the first character that breaks the grammar, minus a trailing `,` until a value follows it
 * (a trailing comma before `}` is the commonest model mistake, and a comma already sent could not
 * be taken back). One pass over each character, no re-parsing.
 */

type Mode = 'start' | 'value' | 'valueOrEnd' | 'keyOrEnd' | 'key' | 'colon' | 'after' | 'string' | 'literal' | 'done' | 'invalid';

const WORDS = ['true', 'false', 'null'];
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function isSpace(c: string): boolean { return c === ' ' || c === '\n' || c === '\r' || c === '\t'; }
function isLiteralChar(c: string): boolean { return /[0-9a-zA-Z.+-]/.test(c); }

export class JsonPrefixScanner {
  mode: Mode = 'start';
  readonly stack: Array<'o' | 'a'> = [];
  stringIsKey = false;
  literal = '';
  /** Index of the `{` that opens the top-level object, or -1. */
  begin = -1;
  /** The top-level object has at least one member. */
  topHasMembers = false;
  private escape = false;
  private pendingComma = -1;
  private pos = 0;
  private frozen = 0;

  get valid(): boolean { return this.mode !== 'invalid'; }
  get complete(): boolean { return this.mode === 'done'; }

  /** End (exclusive) of the prefix that is safe to forward. */
  get safeEnd(): number {
    if (this.mode === 'invalid') return this.frozen;
    if (this.begin === -1) return 0;
    if (this.pendingComma >= 0) return this.pendingComma;
    // A backslash is held until its escape is known to be valid (`\'` is repaired to `'`).
    return this.mode === 'string' && this.escape ? this.pos - 1 : this.pos;
  }

  feed(text: string): void {
    for (let i = 0; i < text.length && this.mode !== 'invalid'; i++) this.step(text.charAt(i));
  }

  private step(c: string): void {
    const at = this.pos;
    if (!this.consume(c, at)) {
      const held = this.mode === 'string' && this.escape ? at - 1 : at;
      this.frozen = this.begin === -1 ? 0 : this.pendingComma >= 0 ? Math.min(this.pendingComma, held) : held;
      this.mode = 'invalid';
      return;
    }
    this.pos++;
  }

  private consume(c: string, at: number): boolean {
    switch (this.mode) {
      case 'start':
        if (isSpace(c)) return true;
        if (c !== '{') return false;
        this.begin = at;
        this.stack.push('o');
        this.mode = 'keyOrEnd';
        return true;
      case 'string':
        if (this.escape) { this.escape = false; return '"\\/bfnrtu'.includes(c); }
        if (c === '\\') { this.escape = true; return true; }
        if (c === '"') { this.mode = this.stringIsKey ? 'colon' : this.afterValue(); return true; }
        return c >= ' '; // raw control characters are not allowed inside JSON strings
      case 'literal':
        if (isLiteralChar(c)) {
          this.literal += c;
          return WORDS.some((w) => w.startsWith(this.literal)) || /^-?[0-9.eE+-]*$/.test(this.literal);
        }
        if (!WORDS.includes(this.literal) && !NUMBER.test(this.literal)) return false;
        this.mode = this.afterValue();
        return this.consume(c, at);
      default:
        return isSpace(c) || this.structural(c);
    }
  }

  private structural(c: string): boolean {
    const top = this.stack[this.stack.length - 1];
    switch (this.mode) {
      case 'keyOrEnd':
      case 'key':
        if (c === '"') {
          this.pendingComma = -1;
          if (this.stack.length === 1) this.topHasMembers = true;
          this.stringIsKey = true;
          this.mode = 'string';
          return true;
        }
        if (c === '}' && this.mode === 'keyOrEnd') return this.close();
        return false;
      case 'colon':
        if (c !== ':') return false;
        this.mode = 'value';
        return true;
      case 'value':
      case 'valueOrEnd':
        if (c === ']' && this.mode === 'valueOrEnd') return this.close();
        return this.startValue(c);
      case 'after':
        if (c === ',') { this.pendingComma = this.pos; this.mode = top === 'o' ? 'key' : 'value'; return true; }
        if ((c === '}' && top === 'o') || (c === ']' && top === 'a')) return this.close();
        return false;
      default:
        return false; // 'done': text after the object
    }
  }

  private startValue(c: string): boolean {
    if (c === '"') { this.stringIsKey = false; this.mode = 'string'; }
    else if (c === '{') { this.stack.push('o'); this.mode = 'keyOrEnd'; }
    else if (c === '[') { this.stack.push('a'); this.mode = 'valueOrEnd'; }
    else if (/[-0-9tfn]/.test(c)) { this.literal = c; this.mode = 'literal'; }
    else return false;
    this.pendingComma = -1;
    return true;
  }

  private close(): boolean {
    this.stack.pop();
    this.mode = this.afterValue();
    return true;
  }

  private afterValue(): Mode {
    return this.stack.length === 0 ? 'done' : 'after';
  }
}
