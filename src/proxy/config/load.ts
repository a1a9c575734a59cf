/**
 * Loads the proxy's settings: the `proxy` section of `<patchbayPaths().config>/config.json`,
 * layered over what the environment alone describes (the claude-code-proxy convention from the
 * guide: PREFERRED_PROVIDER, BIG_MODEL, SMALL_MODEL, OPENAI_API_KEY, GEMINI_API_KEY,
 * OPENAI_BASE_URL, GEMINI_BASE_URL). With no file at all, the environment is enough.
 */
import { patchbayConfigPath, readPatchbayConfigSection } from '../../config/patchbay-config.js';
import type { ProviderConfig } from '../provider.js';
import { DEFAULT_BASE_URLS, type ProxySettings, type RouteRef } from './types.js';
import { invalid, parseProxySettings } from './validate.js';

export interface LoadProxySettingsOptions {
  /** Defaults to `<patchbayPaths().config>/config.json`. */
  file?: string;
  env?: NodeJS.ProcessEnv;
}

export function proxyConfigPath(): string {
  return patchbayConfigPath();
}

export async function loadProxySettings(options: LoadProxySettingsOptions = {}): Promise<ProxySettings> {
  const file = options.file ?? proxyConfigPath();
  const env = options.env ?? process.env;
  const raw = await readProxySection(file);
  const settings = parseProxySettings(raw, file, env);
  applyEnvironment(settings, env, raw === undefined ? 'environment' : file);
  return settings;
}

async function readProxySection(file: string): Promise<unknown> {
  return readPatchbayConfigSection('proxy', file);
}

/**
 * Adds the providers the environment describes (unless config defines one of the same name),
 * fills the default and background routes from PREFERRED_PROVIDER/BIG_MODEL/SMALL_MODEL when
 * config has none, and applies PATCHBAY_PROXY_PORT.
 */
function applyEnvironment(settings: ProxySettings, env: NodeJS.ProcessEnv, source: string): void {
  const add = (provider: ProviderConfig): void => {
    if (!settings.providers.has(provider.name)) settings.providers.set(provider.name, provider);
  };
  const withKey = (p: ProviderConfig, variable: string): ProviderConfig => {
    const key = env[variable];
    return { ...p, ...(key ? { apiKey: key } : {}), keyOrigin: `the variable ${variable}`, keyVariable: variable };
  };
  if (env.OPENAI_API_KEY || env.OPENAI_BASE_URL) {
    add(withKey({ name: 'openai', kind: 'openai', baseUrl: trimUrl(env.OPENAI_BASE_URL ?? DEFAULT_BASE_URLS.openai) }, 'OPENAI_API_KEY'));
  }
  if (env.GEMINI_API_KEY || env.GEMINI_BASE_URL) {
    add(withKey({ name: 'gemini', kind: 'gemini', baseUrl: trimUrl(env.GEMINI_BASE_URL ?? DEFAULT_BASE_URLS.gemini) }, 'GEMINI_API_KEY'));
  }
  if (env.OPENROUTER_API_KEY) {
    add(withKey({ name: 'openrouter', kind: 'openai', baseUrl: 'https://openrouter.ai/api/v1' }, 'OPENROUTER_API_KEY'));
  }
  // ANTHROPIC_BASE_URL is not read: after `eval "$(patchbay env)"` it points at this proxy.
  add(withKey({ name: 'anthropic', kind: 'anthropic', baseUrl: trimUrl(env.PATCHBAY_ANTHROPIC_BASE_URL ?? DEFAULT_BASE_URLS.anthropic) }, 'ANTHROPIC_API_KEY'));

  if (env.PATCHBAY_PROXY_PORT !== undefined) {
    const port = Number(env.PATCHBAY_PROXY_PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw invalid('environment', 'PATCHBAY_PROXY_PORT', `"${env.PATCHBAY_PROXY_PORT}" is not a TCP port`, 'Use a number between 1 and 65535.');
    }
    settings.port = port;
  }
  if (settings.router.default) return;

  const preferred = preferredProvider(env, settings);
  const big = env.BIG_MODEL ?? defaultModels[preferred]?.big;
  const small = env.SMALL_MODEL ?? defaultModels[preferred]?.small;
  const ref = (model: string | undefined): RouteRef => ({ provider: preferred, model, text: model ? `${preferred},${model}` : preferred });
  settings.router.default = ref(big);
  settings.router.background ??= ref(small);
  if (source === 'environment') settings.source = 'environment';
}

const defaultModels: Record<string, { big: string; small: string } | undefined> = {
  openai: { big: 'gpt-4.1', small: 'gpt-4.1-mini' },
  gemini: { big: 'gemini-2.5-pro', small: 'gemini-2.5-flash' },
  // anthropic: undefined, the request's own model passes through.
};

function preferredProvider(env: NodeJS.ProcessEnv, settings: ProxySettings): string {
  const named = env.PREFERRED_PROVIDER?.toLowerCase();
  if (named) {
    const name = named === 'google' ? 'gemini' : named;
    if (!settings.providers.has(name)) {
      throw invalid('environment', 'PREFERRED_PROVIDER', `"${env.PREFERRED_PROVIDER}" has no provider`, name === 'openai' || name === 'gemini'
        ? `Set ${name === 'openai' ? 'OPENAI_API_KEY (or OPENAI_BASE_URL)' : 'GEMINI_API_KEY'} too.`
        : 'Use openai, google or anthropic, or a provider name from proxy.providers.');
    }
    return name;
  }
  if (settings.providers.get('openai')) return 'openai';
  if (settings.providers.get('gemini')) return 'gemini';
  return 'anthropic';
}

function trimUrl(url: string): string {
  return url.replace(/\/+$/, '');
}
