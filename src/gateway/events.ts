/**
 * Fans hub events out to downstream clients: list_changed to every legacy session's GET stream
 * and to every 2026-07-28 `subscriptions/listen` stream that asked for that kind, and
 * resources/updated only to the sessions the hub says subscribed to that URI.
 */
import type { Hub, HubEvent } from '../hub/types.js';
import { notificationMessage, type JsonRpcId } from './jsonrpc.js';
import { SUBSCRIPTION_ID_META_KEY } from './protocol.js';
import { sendUnsolicited, type MessageSink, type SessionStore } from './session.js';

export interface ListenFilter {
  toolsListChanged?: boolean;
  promptsListChanged?: boolean;
  resourcesListChanged?: boolean;
  resourceSubscriptions?: string[];
}

/** One open `subscriptions/listen` stream. */
export interface Listener {
  sessionId: string;
  subscriptionId: JsonRpcId;
  filter: ListenFilter;
  sink: MessageSink;
}

export interface EventFanout {
  addListener(listener: Listener): void;
  removeListener(listener: Listener): void;
  listeners(): Iterable<Listener>;
  close(): void;
}

const FILTER_KEY = { tools: 'toolsListChanged', prompts: 'promptsListChanged', resources: 'resourcesListChanged' } as const;

export function createEventFanout(hub: Hub, sessions: SessionStore): EventFanout {
  const listeners = new Set<Listener>();
  const bySession = new Map<string, Listener>();

  function onEvent(event: HubEvent): void {
    if (event.type === 'list_changed') {
      const method = `notifications/${event.kind}/list_changed`;
      const legacy = notificationMessage(method, undefined);
      for (const session of sessions.values()) sendUnsolicited(session, legacy);
      const key = FILTER_KEY[event.kind];
      for (const listener of listeners) {
        if (listener.filter[key]) {
          listener.sink.send(notificationMessage(method, { _meta: { [SUBSCRIPTION_ID_META_KEY]: listener.subscriptionId } }));
        }
      }
    } else if (event.type === 'message') {
      // A server's log line outside any call: only sessions that asked for logs get it.
      const message = notificationMessage('notifications/message', event.params);
      for (const session of sessions.values()) if (session.logLevel !== undefined) sendUnsolicited(session, message);
    } else if (event.type === 'resource_updated') {
      for (const id of event.sessionIds) {
        const listener = bySession.get(id);
        const params: Record<string, unknown> = { uri: event.uri };
        if (listener) {
          params._meta = { [SUBSCRIPTION_ID_META_KEY]: listener.subscriptionId };
          listener.sink.send(notificationMessage('notifications/resources/updated', params));
        } else {
          const session = sessions.get(id);
          if (session !== undefined) sendUnsolicited(session, notificationMessage('notifications/resources/updated', params));
        }
      }
    }
  }

  const off = hub.on(onEvent);
  return {
    addListener(listener) {
      listeners.add(listener);
      bySession.set(listener.sessionId, listener);
    },
    removeListener(listener) {
      listeners.delete(listener);
      bySession.delete(listener.sessionId);
    },
    listeners: () => listeners,
    close() {
      off();
      listeners.clear();
      bySession.clear();
    },
  };
}
