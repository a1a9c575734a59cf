/**
 * Which proxy `patchbay env` and `patchbay claude` point a client at: a running `patchbay up`
 * or `patchbay proxy` (as ./listen-record.ts records them, the newest first), else the
 * configured address (proxy.port, PATCHBAY_PROXY_PORT, 3457). An explicit `--port` skips the
 * search. Without this, `env` printed 3457 while `up` served the proxy on 8765.
 */
import type { ProxySettings } from '../config/types.js';
import { findListeners, localUrl, type ListenerRecord } from './listen-record.js';

export interface ProxyLocation {
  url: string;
  /** The running `up` or `proxy` it belongs to; undefined for the configured address. */
  listener?: ListenerRecord;
  /** Known to answer with Patchbay's key (a recorded listener counts, unless probed and silent). */
  answers: boolean;
}

/** Is a Patchbay proxy with this key answering at `url`? */
export async function proxyAnswers(url: string, token: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/v1/models`, { headers: { 'x-api-key': token }, signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

export interface LocateOptions {
  /** `--port` was given: use the configured host with that port, nothing else. */
  explicitPort: boolean;
  /** Recorded listeners must also answer with this key (`patchbay claude`, which then uses it). */
  probe: boolean;
}

export async function locateProxy(settings: ProxySettings, token: string, options: LocateOptions): Promise<ProxyLocation> {
  if (!options.explicitPort) {
    for (const listener of await findListeners()) {
      if (!options.probe || (await proxyAnswers(listener.url, token))) return { url: listener.url, listener, answers: true };
    }
  }
  const url = localUrl(settings.host, settings.port);
  return { url, answers: await proxyAnswers(url, token) };
}
