/**
 * JSON text of a value, as JSON.stringify would write it, without recursion. Requests arrive
 * through JSON.parse, which accepts nesting of any depth, while JSON.stringify throws "Maximum
 * call stack size exceeded" at a few thousand levels: a deeply nested tool schema must cost the
 * estimator linear time, not crash the proxy. Work is proportional to the output length.
 */

/** A piece of output text on the work stack (everything else on it is a value to write). */
class Literal {
  constructor(readonly text: string) {}
}

const OPEN_OBJECT = new Literal('{');
const CLOSE_OBJECT = new Literal('}');
const OPEN_ARRAY = new Literal('[');
const CLOSE_ARRAY = new Literal(']');
const COMMA = new Literal(',');

export function toJsonText(value: unknown): string {
  // The native serializer is several times faster; it only fails on nesting deeper than the stack.
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return toJsonTextIteratively(value);
  }
}

/** Exported for tests: the path taken when the native serializer runs out of stack. */
export function toJsonTextIteratively(value: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    let item = stack.pop();
    if (item instanceof Literal) {
      out.push(item.text);
      continue;
    }
    if (item !== null && typeof item === 'object' && typeof (item as { toJSON?: unknown }).toJSON === 'function') {
      item = (item as { toJSON(): unknown }).toJSON();
    }
    switch (typeof item) {
      case 'string':
        out.push(JSON.stringify(item));
        continue;
      case 'number':
        out.push(Number.isFinite(item) ? String(item) : 'null');
        continue;
      case 'boolean':
        out.push(item ? 'true' : 'false');
        continue;
      case 'bigint':
        out.push(String(item));
        continue;
      case 'object':
        break;
      default:
        // undefined, functions, symbols: only reachable at the top level (arrays turn them
        // into null and objects leave their keys out, below).
        out.push('null');
        continue;
    }
    if (item === null) {
      out.push('null');
    } else if (Array.isArray(item)) {
      stack.push(CLOSE_ARRAY);
      for (let i = item.length - 1; i >= 0; i--) {
        stack.push(item[i] === undefined || typeof item[i] === 'function' ? null : item[i]);
        if (i > 0) stack.push(COMMA);
      }
      stack.push(OPEN_ARRAY);
    } else {
      const record = item as Record<string, unknown>;
      const keys = Object.keys(record).filter((k) => {
        const v = record[k];
        return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
      });
      stack.push(CLOSE_OBJECT);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        stack.push(record[key]);
        stack.push(new Literal(`${i > 0 ? ',' : ''}${JSON.stringify(key)}:`));
      }
      stack.push(OPEN_OBJECT);
    }
  }
  return out.join('');
}
