/**
 * The hub's `subscriptions/listen` stream to one 2026-07-28 upstream (SEP-2575). That revision
 * has no unsolicited notifications and no resources/subscribe: a server says its lists changed,
 * and that a subscribed resource was updated, only on a listen stream whose filter asked for it.
 * The hub keeps one per modern upstream: list_changed for every kind the server can change, and
 * `resourceSubscriptions` for the URIs of that server some client subscribed to — so a 2025-era
 * client's resources/subscribe is bridged here. A filter is fixed for the life of a stream, so a
 * change of URIs opens a new stream before the old one is closed (no update falls in between);
 * a stream the server drops is reopened after a pause.
 */
import type { UpstreamConnection, UpstreamSubscription } from './upstream/connection.js';
import type { Logger } from './log/hub-logs.js';

export interface ListenKeeper {
  /** Opens or replaces the stream so its filter holds the current URIs. */
  refresh(): Promise<void>;
  close(): void;
}

const REOPEN_DELAY_MS = 1_000;

export function createListenKeeper(connection: UpstreamConnection, uris: () => string[], log: Logger): ListenKeeper {
  let current: UpstreamSubscription | undefined;
  let closed = false;
  let queue: Promise<void> = Promise.resolve();
  let reopenTimer: NodeJS.Timeout | undefined;

  function filter(): Record<string, unknown> {
    const caps = connection.capabilities as Record<string, { listChanged?: boolean; subscribe?: boolean } | undefined>;
    const f: Record<string, unknown> = {};
    if (caps.tools?.listChanged) f.toolsListChanged = true;
    if (caps.prompts?.listChanged) f.promptsListChanged = true;
    if (caps.resources?.listChanged) f.resourcesListChanged = true;
    const wanted = caps.resources?.subscribe ? uris() : [];
    if (wanted.length > 0) f.resourceSubscriptions = wanted;
    return f;
  }

  async function open(): Promise<void> {
    if (closed || !connection.listen) return;
    const f = filter();
    if (Object.keys(f).length === 0) {
      const old = current;
      current = undefined;
      await old?.close().catch(() => undefined);
      return;
    }
    let next: UpstreamSubscription | undefined;
    try {
      next = await connection.listen(f, (how) => {
        if (closed || current !== next || how === 'local') return;
        log.log('warn', `subscriptions/listen stream ended (${how}); reopening`);
        current = undefined;
        reopenTimer = setTimeout(() => void keeper.refresh(), REOPEN_DELAY_MS);
        reopenTimer.unref();
      });
    } catch (error) {
      log.log('warn', `subscriptions/listen failed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (closed) {
      await next.close().catch(() => undefined);
      return;
    }
    const old = current;
    current = next;
    log.log('debug', `subscriptions/listen open: ${JSON.stringify(next.honored)}`);
    await old?.close().catch(() => undefined);
  }

  const keeper: ListenKeeper = {
    refresh() {
      // One change at a time, in order: the last one's filter wins.
      queue = queue.then(open, open);
      return queue;
    },
    close() {
      closed = true;
      if (reopenTimer) clearTimeout(reopenTimer);
      void current?.close().catch(() => undefined);
      current = undefined;
    },
  };
  return keeper;
}
