/**
 * The environment `patchbay claude` gives Claude Code: the proxy's URL and Patchbay's key, and
 * none of the provider keys. The proxy holds those; Claude Code runs shell commands (its Bash
 * tool, hooks, MCP servers it starts) that inherit its environment, so a key left there is one
 * `env` away from a prompt-injected command. Removed: the variables the proxy reads keys from
 * (OPENAI_API_KEY, GEMINI_API_KEY, ANTHROPIC_API_KEY, OPENROUTER_API_KEY) and every variable a
 * configured provider names (`"apiKeyEnv": "NAME"`, `"apiKey": "${NAME}"`), set or not.
 */
import type { ProxySettings } from '../config/types.js';

/** The variables the proxy reads keys from without being told (src/proxy/config/load.ts). */
export const DEFAULT_KEY_VARIABLES = ['OPENAI_API_KEY', 'GEMINI_API_KEY', 'ANTHROPIC_API_KEY', 'OPENROUTER_API_KEY'];

export function providerKeyVariables(settings: ProxySettings): string[] {
  const names = new Set(DEFAULT_KEY_VARIABLES);
  for (const provider of settings.providers.values()) if (provider.keyVariable) names.add(provider.keyVariable);
  return [...names];
}

export function claudeEnvironment(env: NodeJS.ProcessEnv, settings: ProxySettings, url: string, token: string): NodeJS.ProcessEnv {
  const child: NodeJS.ProcessEnv = { ...env };
  // ANTHROPIC_API_KEY is among them: besides being a provider key, it would make Claude Code ask
  // which credential to use.
  for (const name of providerKeyVariables(settings)) delete child[name];
  child.ANTHROPIC_BASE_URL = url;
  child.ANTHROPIC_AUTH_TOKEN = token;
  return child;
}
