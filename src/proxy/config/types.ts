/**
 * The model proxy's settings once validated: what `proxy` in Patchbay's config.json (or, for the
 * simplest case, the claude-code-proxy-style environment variables) resolve to. Keys from the
 * environment or a file are already read here and live only in `ProviderConfig.apiKey`, which
 * nothing logs; a key a command prints is fetched when a request needs it (`keySource`).
 */
import type { ProviderConfig } from '../provider.js';

/** A route as written in config: `provider,model`, or just `provider` to keep the request's model. */
export interface RouteRef {
  provider: string;
  /** Undefined: send the model name the client asked for (Anthropic passthrough, typically). */
  model: string | undefined;
  /** The text as written, for messages and for looking up fallbacks. */
  text: string;
}

export type Scenario = 'default' | 'background' | 'think' | 'longContext' | 'webSearch';

export interface RouterSettings {
  default: RouteRef | undefined;
  background: RouteRef | undefined;
  think: RouteRef | undefined;
  longContext: RouteRef | undefined;
  /** Estimated input tokens above which `longContext` applies. */
  longContextThreshold: number;
  webSearch: RouteRef | undefined;
}

export interface RetrySettings {
  /** Attempts per target, the first included. */
  maxAttempts: number;
  /** No retry starts after this much time has passed since the request arrived. */
  maxTotalMs: number;
  /** Full-jitter exponential backoff: delay = random(0, min(maxDelayMs, baseDelayMs * 2^n)). */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface ProxySettings {
  /** Where the settings came from, for messages ("~/.config/patchbay/config.json", "environment"). */
  source: string;
  port: number;
  host: string;
  providers: Map<string, ProviderConfig>;
  router: RouterSettings;
  /** Request model name → route (`"fast": "openai,gpt-4o-mini"`). */
  aliases: Map<string, RouteRef>;
  /** Keyed by a route's text (`openai,gpt-4o`) or a scenario name; tried in order. */
  fallbacks: Map<string, RouteRef[]>;
  /** Raw values, handed to proxy ops' parsers (`parseRateLimits`, `parsePriceTable`). */
  rateLimits: unknown;
  prices: unknown;
  retry: RetrySettings;
  maxRequestBytes: number;
  pingIntervalMs: number;
}

export const DEFAULT_PORT = 3457;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_MAX_REQUEST_BYTES = 32 * 1024 * 1024;
export const DEFAULT_PING_INTERVAL_MS = 10_000;
export const DEFAULT_LONG_CONTEXT_THRESHOLD = 60_000;
export const DEFAULT_RETRY: RetrySettings = { maxAttempts: 3, maxTotalMs: 30_000, baseDelayMs: 500, maxDelayMs: 8_000 };

export const DEFAULT_BASE_URLS: Record<ProviderConfig['kind'], string> = {
  openai: 'https://api.openai.com/v1',
  gemini: 'https://generativelanguage.googleapis.com/v1beta',
  anthropic: 'https://api.anthropic.com',
};

/** The variable a provider's key is read from when config names none. */
export function defaultKeyEnv(name: string, kind: ProviderConfig['kind']): string {
  if (name === 'openrouter') return 'OPENROUTER_API_KEY';
  return kind === 'openai' ? 'OPENAI_API_KEY' : kind === 'gemini' ? 'GEMINI_API_KEY' : 'ANTHROPIC_API_KEY';
}
