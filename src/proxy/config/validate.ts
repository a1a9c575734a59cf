/**
 * Validates the `proxy` section of Patchbay's config.json by hand, so every message names the
 * file and the exact field (`config.json: proxy.providers[1].baseUrl: …`) and says what to do.
 * Keys are never accepted inline: a config file gets copied, pasted and committed, so a
 * provider names the environment variable that holds its key (`apiKeyEnv`), or says in `apiKey`
 * where the key is (`${VAR}`, `file:PATH`, `cmd:COMMAND`; see ../keys/reference.ts).
 */
import { dirname } from 'node:path';
import { PatchbayError } from '../../errors.js';
import { DEFAULT_KEY_COMMAND_TIMEOUT_MS } from '../keys/command.js';
import { REFERENCE_FORMS, resolveKeyReference } from '../keys/reference.js';
import { DEFAULT_KEY_TTL_MS } from '../keys/source.js';
import type { ProviderConfig, ProviderKind, ProviderQuirks } from '../provider.js';
import {
  DEFAULT_BASE_URLS, DEFAULT_HOST, DEFAULT_LONG_CONTEXT_THRESHOLD, DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_PING_INTERVAL_MS, DEFAULT_PORT, DEFAULT_RETRY, defaultKeyEnv,
  type ProxySettings, type RetrySettings, type RouteRef, type RouterSettings,
} from './types.js';

const KINDS: readonly ProviderKind[] = ['openai', 'gemini', 'anthropic'];
const ROUTER_KEYS = ['default', 'background', 'think', 'longContext', 'longContextThreshold', 'webSearch'] as const;

type Obj = Record<string, unknown>;

export function invalid(file: string, field: string, problem: string, hint: string): PatchbayError {
  return new PatchbayError('CONFIG_INVALID', `${file}: ${field}: ${problem}`, { hint });
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses `provider,model` (or `provider`) against the known providers. */
export function parseRoute(text: unknown, providers: Map<string, ProviderConfig>, file: string, field: string): RouteRef {
  if (typeof text !== 'string' || text.trim() === '') {
    throw invalid(file, field, `expected "provider,model", got ${JSON.stringify(text)}`, 'Write a route as "provider,model", e.g. "openai,gpt-4o".');
  }
  const comma = text.indexOf(',');
  const provider = (comma === -1 ? text : text.slice(0, comma)).trim();
  const model = comma === -1 ? undefined : text.slice(comma + 1).trim() || undefined;
  if (!providers.has(provider)) {
    const known = [...providers.keys()].join(', ') || 'none';
    throw invalid(file, field, `unknown provider "${provider}"`, `Known providers: ${known}. Add it under proxy.providers.`);
  }
  return { provider, model, text: model === undefined ? provider : `${provider},${model}` };
}

function positiveInt(value: unknown, file: string, field: string, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw invalid(file, field, `expected a ${allowZero ? 'non-negative' : 'positive'} integer, got ${JSON.stringify(value)}`, 'Fix the number or remove the field to use the default.');
  }
  return value;
}

function parseProvider(raw: unknown, index: number, file: string, env: NodeJS.ProcessEnv): ProviderConfig {
  const at = `proxy.providers[${index}]`;
  if (!isObj(raw)) throw invalid(file, at, 'expected an object', 'Each provider is {"name", "kind", "baseUrl", "apiKeyEnv" or "apiKey"}.');
  const name = raw.name;
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw invalid(file, `${at}.name`, `expected a name of letters, digits, "_", "-" or ".", got ${JSON.stringify(name)}`, 'Names appear in routes as "name,model", so they cannot contain commas.');
  }
  const kind = raw.kind ?? 'openai';
  if (typeof kind !== 'string' || !KINDS.includes(kind as ProviderKind)) {
    throw invalid(file, `${at}.kind`, `expected one of ${KINDS.join(', ')}, got ${JSON.stringify(kind)}`, 'Use "openai" for any OpenAI-compatible server (OpenRouter, vLLM, Ollama, DeepSeek).');
  }
  const baseUrl = raw.baseUrl ?? DEFAULT_BASE_URLS[kind as ProviderKind];
  if (typeof baseUrl !== 'string' || !/^https?:\/\/[^/]/.test(baseUrl)) {
    throw invalid(file, `${at}.baseUrl`, `expected an http(s) URL, got ${JSON.stringify(baseUrl)}`, 'For example "https://api.openai.com/v1".');
  }
  if (raw.headers !== undefined && (!isObj(raw.headers) || Object.values(raw.headers).some((v) => typeof v !== 'string'))) {
    throw invalid(file, `${at}.headers`, 'expected an object of string values', 'For example {"HTTP-Referer": "https://example.com"}.');
  }
  if (raw.quirks !== undefined && !isObj(raw.quirks)) throw invalid(file, `${at}.quirks`, 'expected an object', 'For example {"acceptsTopK": true}.');
  const provider: ProviderConfig = { name, kind: kind as ProviderKind, baseUrl: baseUrl.replace(/\/+$/, ''), ...parseKey(raw, at, name, kind as ProviderKind, file, env) };
  if (raw.headers) provider.headers = raw.headers as Record<string, string>;
  if (raw.quirks) provider.quirks = raw.quirks as ProviderQuirks;
  return provider;
}

/** Where the provider's key comes from: `apiKey` (a reference), else `apiKeyEnv`, else the kind's default variable. */
function parseKey(raw: Obj, at: string, name: string, kind: ProviderKind, file: string, env: NodeJS.ProcessEnv): Pick<ProviderConfig, 'apiKey' | 'keySource' | 'keyOrigin' | 'keyVariable'> {
  const defaultEnv = defaultKeyEnv(name, kind);
  const ttlMs = positiveInt(raw.apiKeyTtlMs, file, `${at}.apiKeyTtlMs`, DEFAULT_KEY_TTL_MS);
  const timeoutMs = positiveInt(raw.apiKeyTimeoutMs, file, `${at}.apiKeyTimeoutMs`, DEFAULT_KEY_COMMAND_TIMEOUT_MS);
  let fetched = false;
  let result: Pick<ProviderConfig, 'apiKey' | 'keySource' | 'keyOrigin' | 'keyVariable'>;
  if (raw.apiKey !== undefined) {
    if (raw.apiKeyEnv !== undefined) throw invalid(file, `${at}.apiKey`, 'apiKey and apiKeyEnv are both set', 'Keep one: "apiKeyEnv": "NAME" and "apiKey": "${NAME}" say the same.');
    const reference = typeof raw.apiKey === 'string'
      ? resolveKeyReference(raw.apiKey, { provider: name, configFile: file, configDir: dirname(file), field: `${at}.apiKey`, env, ttlMs, timeoutMs })
      : undefined;
    // The value is never echoed: it is most likely the key itself.
    if (!reference) {
      throw invalid(file, `${at}.apiKey`, `keys are not read from config files; apiKey takes a reference: ${REFERENCE_FORMS}`,
        `Store it with \`patchbay secrets set ${defaultEnv}\` and write "apiKey": "\${secret:${defaultEnv}}", or put the key in an environment variable and name it: "apiKeyEnv": "${defaultEnv}" (or "apiKey": "\${${defaultEnv}}"), or point at a private file ("apiKey": "file:~/.config/patchbay/${name}.key", chmod 600) or a command that prints it ("apiKey": "cmd:op read op://vault/${name}/key").`);
    }
    fetched = reference.kind === 'fetched';
    result = reference.kind === 'fetched'
      ? { keySource: reference.source, keyOrigin: reference.origin }
      : { ...(reference.key ? { apiKey: reference.key } : {}), keyOrigin: reference.origin, ...(reference.variable ? { keyVariable: reference.variable } : {}) };
  } else {
    const keyEnv = raw.apiKeyEnv ?? defaultEnv;
    if (typeof keyEnv !== 'string' || keyEnv === '') throw invalid(file, `${at}.apiKeyEnv`, 'expected a variable name', 'For example "OPENROUTER_API_KEY".');
    const key = env[keyEnv];
    result = { ...(key ? { apiKey: key } : {}), keyOrigin: `the variable ${keyEnv}`, keyVariable: keyEnv };
  }
  for (const field of ['apiKeyTtlMs', 'apiKeyTimeoutMs'] as const) {
    if (raw[field] !== undefined && !fetched) throw invalid(file, `${at}.${field}`, 'applies only to a key fetched by a command', 'Remove it, or use "apiKey": "cmd:COMMAND".');
  }
  return result;
}

function parseRetry(raw: unknown, file: string): RetrySettings {
  if (raw === undefined) return { ...DEFAULT_RETRY };
  if (!isObj(raw)) throw invalid(file, 'proxy.retry', 'expected an object', 'For example {"maxAttempts": 3, "maxTotalMs": 30000}.');
  return {
    maxAttempts: positiveInt(raw.maxAttempts, file, 'proxy.retry.maxAttempts', DEFAULT_RETRY.maxAttempts),
    maxTotalMs: positiveInt(raw.maxTotalMs, file, 'proxy.retry.maxTotalMs', DEFAULT_RETRY.maxTotalMs, true),
    baseDelayMs: positiveInt(raw.baseDelayMs, file, 'proxy.retry.baseDelayMs', DEFAULT_RETRY.baseDelayMs, true),
    maxDelayMs: positiveInt(raw.maxDelayMs, file, 'proxy.retry.maxDelayMs', DEFAULT_RETRY.maxDelayMs, true),
  };
}

/** Validates the raw `proxy` value; `file` is the path shown in messages. */
export function parseProxySettings(raw: unknown, file: string, env: NodeJS.ProcessEnv = process.env): ProxySettings {
  if (raw === undefined) raw = {};
  if (!isObj(raw)) throw invalid(file, 'proxy', 'expected an object', 'See the proxy section of the README for its shape.');
  const providers = new Map<string, ProviderConfig>();
  const list = raw.providers ?? [];
  if (!Array.isArray(list)) throw invalid(file, 'proxy.providers', 'expected an array', 'For example [{"name": "openai", "kind": "openai"}].');
  list.forEach((entry, i) => {
    const provider = parseProvider(entry, i, file, env);
    if (providers.has(provider.name)) throw invalid(file, `proxy.providers[${i}].name`, `"${provider.name}" is defined twice`, 'Give each provider its own name.');
    providers.set(provider.name, provider);
  });

  const routerRaw = raw.router ?? {};
  if (!isObj(routerRaw)) throw invalid(file, 'proxy.router', 'expected an object', 'For example {"default": "openai,gpt-4o"}.');
  for (const key of Object.keys(routerRaw)) {
    if (!(ROUTER_KEYS as readonly string[]).includes(key)) throw invalid(file, `proxy.router.${key}`, 'unknown field', `Known fields: ${ROUTER_KEYS.join(', ')}.`);
  }
  const route = (key: string): RouteRef | undefined => (routerRaw[key] === undefined ? undefined : parseRoute(routerRaw[key], providers, file, `proxy.router.${key}`));
  const router: RouterSettings = {
    default: route('default'),
    background: route('background'),
    think: route('think'),
    longContext: route('longContext'),
    longContextThreshold: positiveInt(routerRaw.longContextThreshold, file, 'proxy.router.longContextThreshold', DEFAULT_LONG_CONTEXT_THRESHOLD),
    webSearch: route('webSearch'),
  };

  const aliases = new Map<string, RouteRef>();
  if (raw.aliases !== undefined) {
    if (!isObj(raw.aliases)) throw invalid(file, 'proxy.aliases', 'expected an object', 'For example {"fast": "openai,gpt-4o-mini"}.');
    for (const [name, target] of Object.entries(raw.aliases)) aliases.set(name, parseRoute(target, providers, file, `proxy.aliases.${name}`));
  }

  const fallbacks = new Map<string, RouteRef[]>();
  if (raw.fallbacks !== undefined) {
    if (!isObj(raw.fallbacks)) throw invalid(file, 'proxy.fallbacks', 'expected an object', 'For example {"default": ["gemini,gemini-2.5-pro"]}.');
    for (const [key, targets] of Object.entries(raw.fallbacks)) {
      if (!Array.isArray(targets)) throw invalid(file, `proxy.fallbacks.${key}`, 'expected an array of routes', 'For example ["gemini,gemini-2.5-pro"].');
      fallbacks.set(key, targets.map((t, i) => parseRoute(t, providers, file, `proxy.fallbacks.${key}[${i}]`)));
    }
  }

  const host = raw.host ?? DEFAULT_HOST;
  if (typeof host !== 'string' || host === '') throw invalid(file, 'proxy.host', 'expected a host name or address', 'For example "127.0.0.1".');
  const port = positiveInt(raw.port, file, 'proxy.port', DEFAULT_PORT, true);
  if (port > 65535) throw invalid(file, 'proxy.port', `${port} is not a TCP port`, 'Use a port between 1 and 65535.');
  return {
    source: file,
    port,
    host,
    providers,
    router,
    aliases,
    fallbacks,
    rateLimits: raw.rateLimits,
    prices: raw.prices,
    retry: parseRetry(raw.retry, file),
    maxRequestBytes: positiveInt(raw.maxRequestBytes, file, 'proxy.maxRequestBytes', DEFAULT_MAX_REQUEST_BYTES),
    pingIntervalMs: positiveInt(raw.pingIntervalMs, file, 'proxy.pingIntervalMs', DEFAULT_PING_INTERVAL_MS),
  };
}
