/**
 * A provider key that is fetched when it is needed rather than read with the config: a command's
 * output (`cmd:`) today, an OS keychain entry later. Claude Code's `apiKeyHelper` sets the
 * behaviour (https://docs.anthropic.com/en/docs/claude-code/settings): fetch on first use, keep
 * the key for a TTL (CLAUDE_CODE_API_KEY_HELPER_TTL_MS, 5 minutes by default), fetch again after
 * it, and again when the provider answers 401.
 *
 * Keys from an environment variable or a file are not sources: they are read once when the config
 * loads and sit in `ProviderConfig.apiKey`, so a request using them does no extra work at all.
 */

export interface KeySource {
  /** Where the key comes from, for messages; never the key. */
  readonly origin: string;
  /** The cached key while it is fresh, else undefined: no promise, so a warm key costs a request nothing. */
  peek(): string | undefined;
  /** The key, fetched when none is cached or it is stale; concurrent callers share one fetch. */
  get(): Promise<string>;
  /** The provider refused `rejected` (HTTP 401): fetch anew, unless another request already did. */
  refresh(rejected: string): Promise<string>;
}

export interface CachedKeySourceOptions {
  origin: string;
  /** Fetches the key; rejects with an error that says what failed and never contains the key. */
  fetch: () => Promise<string>;
  ttlMs: number;
  now?: () => number;
}

export const DEFAULT_KEY_TTL_MS = 5 * 60_000;

/** A KeySource over any fetch: one fetch in flight at a time, its key kept for `ttlMs`. Failures are not cached. */
export function createCachedKeySource(options: CachedKeySourceOptions): KeySource {
  const { origin, fetch, ttlMs } = options;
  const now = options.now ?? Date.now;
  let key: string | undefined;
  let expiresAt = 0;
  let inflight: Promise<string> | undefined;

  const fetchShared = (): Promise<string> => {
    inflight ??= fetch().then(
      (value) => {
        key = value;
        expiresAt = now() + ttlMs;
        inflight = undefined;
        return value;
      },
      (error: unknown) => {
        inflight = undefined;
        throw error;
      },
    );
    return inflight;
  };
  const peek = (): string | undefined => (key !== undefined && now() < expiresAt ? key : undefined);

  return {
    origin,
    peek,
    get() {
      const fresh = peek();
      return fresh === undefined ? fetchShared() : Promise.resolve(fresh);
    },
    refresh(rejected) {
      if (inflight) return inflight;
      // Many requests may fail with the same stale key; only the first one's refresh runs the fetch.
      const fresh = peek();
      if (fresh !== undefined && fresh !== rejected) return Promise.resolve(fresh);
      key = undefined;
      return fetchShared();
    },
  };
}
