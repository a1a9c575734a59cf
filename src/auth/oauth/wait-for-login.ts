/**
 * The hub's side of "log in, then it works": a server that failed for want of a login is
 * watched (a read of the token store every few seconds, unref'd so it never keeps a process
 * alive) and started again as soon as a login for its URL appears — made by `patchbay mcp login`
 * in a terminal, or by another Patchbay process's on-demand login.
 */
import { openTokenStore } from './token-store.js';

export function watchForLogin(server: string, serverUrl: string, onLogin: () => void, intervalMs = 2_000): () => void {
  const since = Date.now();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void openTokenStore()
      .then((store) => store.read(server))
      .then((record) => {
        if (record && record.serverUrl === new URL(serverUrl).href && record.obtainedAt >= since - 1_000) {
          clearInterval(timer);
          onLogin();
        }
      })
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Whether a browser can plausibly be opened here (a login on demand is only started then). */
export function browserAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.PATCHBAY_OAUTH_ON_DEMAND === '0') return false;
  if (env.PATCHBAY_BROWSER || env.BROWSER) return true;
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}
