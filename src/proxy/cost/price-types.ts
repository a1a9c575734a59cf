/** A price for the models a rule matches, in USD per million tokens. */
export interface PriceRule {
  /** Provider name as configured; glob allowed. Absent: any provider. */
  provider?: string;
  /** Model name glob (`gpt-4o*`). */
  model: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface PriceTable {
  /** From config: when one matches, it wins over every built-in price. */
  configured: readonly PriceRule[];
  builtIn: readonly PriceRule[];
}

export interface TokenUsage {
  /** Input tokens not read from or written to a cache (Anthropic's `input_tokens`). */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}
