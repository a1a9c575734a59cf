/**
 * A bounded list of the most recent lines: a ring buffer, so a chatty server costs a fixed
 * amount of memory however long it runs (undici's habit: no Array#shift on a hot queue).
 */
export interface LineTail {
  push(line: string): void;
  /** Oldest first. */
  lines(): string[];
  readonly size: number;
}

export function createLineTail(capacity: number, maxLineLength = 2_000): LineTail {
  const ring: string[] = new Array<string>(capacity);
  let next = 0;
  let count = 0;
  return {
    push(line) {
      ring[next] = line.length > maxLineLength ? `${line.slice(0, maxLineLength)}…` : line;
      next = (next + 1) % capacity;
      if (count < capacity) count++;
    },
    lines() {
      const start = (next - count + capacity) % capacity;
      const out: string[] = [];
      for (let i = 0; i < count; i++) out.push(ring[(start + i) % capacity] as string);
      return out;
    },
    get size() {
      return count;
    },
  };
}
