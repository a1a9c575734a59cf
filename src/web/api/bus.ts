/**
 * What the page hears live: server status, approvals waiting, elicitation questions and the
 * traffic of calls made here, fanned out to every open /ui/api/events stream. Everything is
 * redacted once, on the way in (src/secrets/redact), so no stream ever carries a secret.
 */
import { redactJson } from '../../secrets/redact/index.js';

export type UiEvent = { type: string; [key: string]: unknown };

export interface EventBus {
  publish(event: UiEvent): void;
  subscribe(listener: (event: UiEvent) => void): () => void;
  /** The most recent traffic and log events, for a page that opens later. */
  recent(): UiEvent[];
}

export function createEventBus(keep = 500): EventBus {
  const listeners = new Set<(event: UiEvent) => void>();
  const ring: UiEvent[] = [];
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
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    recent: () => [...ring],
  };
}
