/**
 * Who is subscribed to which resource (MCP 2025-11-25, resources/subscribe). The hub keeps one
 * upstream subscription per URI however many downstream sessions want it: the first subscriber
 * subscribes upstream, the last one to leave unsubscribes. Both directions are indexed so that
 * closing a session costs O(its subscriptions) and leaves no empty sets behind — with 10,000
 * sessions coming and going, an empty Set per URI or session is a leak.
 */

export interface Subscriptions {
  /** Returns true when this is the URI's first subscriber (subscribe upstream). */
  add(sessionId: string, uri: string): boolean;
  /** Returns true when the URI has no subscriber left (unsubscribe upstream). */
  remove(sessionId: string, uri: string): boolean;
  /** Drops a session; returns the URIs that lost their last subscriber. */
  dropSession(sessionId: string): string[];
  sessionsFor(uri: string): string[];
  uris(): string[];
  sizes(): { uris: number; sessions: number };
}

export function createSubscriptions(): Subscriptions {
  const byUri = new Map<string, Set<string>>();
  const bySession = new Map<string, Set<string>>();

  function link(map: Map<string, Set<string>>, key: string, value: string): boolean {
    let set = map.get(key);
    const created = !set;
    if (!set) map.set(key, (set = new Set()));
    set.add(value);
    return created;
  }

  function unlink(map: Map<string, Set<string>>, key: string, value: string): boolean {
    const set = map.get(key);
    if (!set) return false;
    set.delete(value);
    if (set.size > 0) return false;
    map.delete(key);
    return true;
  }

  return {
    add(sessionId, uri) {
      link(bySession, sessionId, uri);
      return link(byUri, uri, sessionId);
    },
    remove(sessionId, uri) {
      if (!byUri.get(uri)?.has(sessionId)) return false;
      unlink(bySession, sessionId, uri);
      return unlink(byUri, uri, sessionId);
    },
    dropSession(sessionId) {
      const uris = bySession.get(sessionId);
      if (!uris) return [];
      bySession.delete(sessionId);
      const emptied: string[] = [];
      for (const uri of uris) if (unlink(byUri, uri, sessionId)) emptied.push(uri);
      return emptied;
    },
    sessionsFor: (uri) => [...(byUri.get(uri) ?? [])],
    uris: () => [...byUri.keys()],
    sizes: () => ({ uris: byUri.size, sessions: bySession.size }),
  };
}
