/**
 * Reads one member of a JSON object's top level from its text without parsing it: for the few
 * places that need the text itself (an id JSON.parse would round, gateway/parse-message.ts) or
 * cannot parse at all (the first KiB of a message too large to keep, upstream/oversized.ts).
 * String-aware (a `"id":` inside a string or a nested object is not the member) and tolerant of
 * text cut off anywhere.
 */

const SCALAR = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|"(?:[^"\\]|\\.)*"|true|false|null/y;

/** The JSON text of a scalar member (number, string, literal) at depth 1, or undefined. */
export function topLevelScalar(text: string, key: string): string | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i + 1;
      i = endOfString(text, i);
      if (depth !== 1) continue;
      let j = i + 1;
      while (isSpace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) !== 0x3a /* : */ || text.slice(start, i) !== key) continue;
      j++;
      while (isSpace(text.charCodeAt(j))) j++;
      SCALAR.lastIndex = j;
      return SCALAR.exec(text)?.[0];
    }
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}

function endOfString(text: string, quote: number): number {
  for (let i = quote + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */) i++;
    else if (c === 0x22) return i;
  }
  return text.length;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
