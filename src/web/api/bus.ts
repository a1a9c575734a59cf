/**
 * What the page hears live: server status, approvals waiting, elicitation questions, the
 * JSON-RPC traffic of every client and the servers' logs, fanned out to every open
 * /ui/api/events stream. Everything is redacted once, on the way in (src/secrets/redact), so no
 * stream ever carries a secret.
 */
import { redactJson } from '../../secrets/redact/index.js';

export type UiEvent = { type: string; [key: string]: unknown };

export interface EventBus {
  publish(event: UiEvent): void;
  subscribe(listener: (event: UiEvent) => void): () => void;
  /** The most recent traffic and log events, for a page that opens later. */
  recent(): UiEvent[];
  /**
   * Runs `start` when the first stream subscribes and the function it returns when the last one
   * leaves: the hub's traffic and log taps cost nothing while no page is open.
   */
  whileListened(start: () => () => void): void;
}

export function createEventBus(keep = 500): EventBus {
  const listeners = new Set<(event: UiEvent) => void>();
  const ring: UiEvent[] = [];
  const starters: (() => () => void)[] = [];
  let stops: (() => void)[] = [];
  return {
    publish(event) {
      const clean = redactJson(event) as UiEvent;
      if (clean.type === 'traffic' || clean.type === 'log') {
        ring.push(clean);
        if (ring.length > keep) ring.splice(0, ring.length - keep);
      }
      for (const listener of listeners) listener(clean);
    },
    subscribe(listener) {
      if (listeners.size === 0) stops = starters.map((start) => start());
      listeners.add(listener);
      return () => {
        if (listeners.delete(listener) && listeners.size === 0) for (const stop of stops.splice(0)) stop();
      };
    },
    recent: () => [...ring],
    whileListened(start) {
      starters.push(start);
      if (listeners.size > 0) stops.push(start());
    },
  };
}
