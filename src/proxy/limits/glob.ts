/**
 * Glob matching for model and provider names in config (`claude-*`, `gpt-4o*`, `*flash*`):
 * `*` matches any run of characters (slashes included: OpenRouter names are
 * `anthropic/claude-sonnet-4`), `?` one character, everything else itself. Iterative with
 * single-star backtracking, so the cost is at most pattern × name — no regex built from user input.
 */
export function globMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let starP = -1;
  let starN = 0;
  while (n < name.length) {
    const c = pattern.charCodeAt(p);
    if (p < pattern.length && (c === 63 /* ? */ || c === name.charCodeAt(n))) {
      p++;
      n++;
    } else if (p < pattern.length && c === 42 /* * */) {
      starP = p++;
      starN = n;
    } else if (starP >= 0) {
      p = starP + 1;
      n = ++starN;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern.charCodeAt(p) === 42) p++;
  return p === pattern.length;
}

export function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** Characters that must match literally: longer literal parts make a more specific pattern. */
export function literalLength(pattern: string): number {
  let count = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c !== 42 && c !== 63) count++;
  }
  return count;
}

/**
 * How specific a `{ provider?, model? }` selector is, for "most specific match wins": an exact
 * model beats a model glob beats no model; then the same for the provider; then longer literal
 * text. Compare the returned tuples element by element.
 */
export function specificity(selector: { provider?: string | undefined; model?: string | undefined }): [number, number, number] {
  const rank = (value: string | undefined) => (value === undefined ? 0 : isGlob(value) ? 1 : 2);
  return [rank(selector.model), rank(selector.provider), literalLength(selector.model ?? '') + literalLength(selector.provider ?? '')];
}

export function compareSpecificity(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** The most specific selector matching `key`; the earliest one on a tie. */
export function mostSpecific<T extends { provider?: string | undefined; model?: string | undefined }>(
  selectors: readonly T[],
  key: { provider: string; model: string },
): T | undefined {
  let best: T | undefined;
  let bestRank: [number, number, number] | undefined;
  for (const s of selectors) {
    if (s.provider !== undefined && !globMatch(s.provider, key.provider)) continue;
    if (s.model !== undefined && !globMatch(s.model, key.model)) continue;
    const rank = specificity(s);
    if (bestRank === undefined || compareSpecificity(rank, bestRank) > 0) {
      best = s;
      bestRank = rank;
    }
  }
  return best;
}
