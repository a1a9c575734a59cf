/**
 * Answers cached per listing (the request's path and query), for `ttlMs`, at most `maxEntries`
 * of them, the least recently used evicted first. Two hosts asking for r/typescript's front
 * page within a minute cost one request of the shared budget.
 */
export interface ResponseCache<T> {
  get(key: string): T | undefined;
  set(key: string, value: T): void;
}

export function createResponseCache<T>(options: { ttlMs: number; maxEntries: number; now?: () => number }): ResponseCache<T> {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: T; expires: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expires <= now()) {
        entries.delete(key);
        return undefined;
      }
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value) {
      if (options.ttlMs <= 0) return;
      entries.delete(key);
      entries.set(key, { value, expires: now() + options.ttlMs });
      while (entries.size > options.maxEntries) entries.delete(entries.keys().next().value as string);
    },
  };
}
