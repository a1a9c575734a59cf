/**
 * Starts Patchbay's proxy on 127.0.0.1 in front of fake upstreams, with settings parsed from a
 * config object exactly as config.json would be, and an official @anthropic-ai/sdk client on it.
 */
import Anthropic from '@anthropic-ai/sdk';
import { parseProxySettings } from '../../../src/proxy/config/validate.js';
import type { ProxySettings } from '../../../src/proxy/config/types.js';
import { startProxy, type RunningProxy } from '../../../src/proxy/server/listen.js';
import type { UsageRecord } from '../../../src/proxy/server/ops.js';
import type { ProviderAdapter, ProviderKind } from '../../../src/proxy/provider.js';

export const TOKEN = 'pb_test_0123456789abcdefghijklmnopqrstuvwxyzABCDEF';

export interface ProxyHarness {
  proxy: RunningProxy;
  settings: ProxySettings;
  usage: UsageRecord[];
  client: Anthropic;
  close(): Promise<void>;
}

export interface HarnessOptions {
  pingIntervalMs?: number;
  adapters?: Partial<Record<ProviderKind, ProviderAdapter>>;
  /** Receives the proxy's log lines (default: dropped). */
  log?: (line: string) => void;
}

/** Short backoff so retry tests take milliseconds; config may override it. */
export const FAST_RETRY = { baseDelayMs: 10, maxDelayMs: 50, maxTotalMs: 5000, maxAttempts: 3 };

export async function startHarness(config: Record<string, unknown>, env: NodeJS.ProcessEnv, options: HarnessOptions = {}): Promise<ProxyHarness> {
  return startHarnessWith(parseProxySettings({ retry: FAST_RETRY, ...config }, '/tmp/test/config.json', env), options);
}

export async function startHarnessWith(settings: ProxySettings, options: HarnessOptions = {}): Promise<ProxyHarness> {
  const usage: UsageRecord[] = [];
  const proxy = await startProxy({
    settings,
    token: TOKEN,
    port: 0,
    host: '127.0.0.1',
    usage: { record: (r) => { usage.push(r); } },
    log: options.log ?? (() => undefined),
    ...(options.pingIntervalMs ? { pingIntervalMs: options.pingIntervalMs } : {}),
    ...(options.adapters ? { adapters: options.adapters } : {}),
  });
  const client = new Anthropic({ baseURL: proxy.url, apiKey: TOKEN, maxRetries: 0 });
  return { proxy, settings, usage, client, close: () => proxy.close() };
}
