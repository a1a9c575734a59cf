/**
 * "Allow for this session" grants, in the hub's memory (they end with it, on purpose). A grant
 * covers one tool of one server for one client in one session, under one policy version, with
 * any arguments.
 *
 * What a session is depends on the era: a legacy client's `Mcp-Session-Id` session (or the
 * stdio gateway's one session); a 2026-07-28 client has no session at all (every request stands
 * alone), so for it "this session" is the client for as long as this hub runs.
 */
import type { DownstreamContext } from '../../hub/types.js';

const MODERN_VERSION = '2026-07-28';

export interface SessionGrants {
  has(context: DownstreamContext, server: string, tool: string, policyVersion: string): boolean;
  add(context: DownstreamContext, server: string, tool: string, policyVersion: string): void;
}

export function sessionKeyOf(context: Pick<DownstreamContext, 'sessionId' | 'client' | 'protocolVersion'>): string {
  return context.protocolVersion === MODERN_VERSION ? `client:${context.client}` : `session:${context.sessionId}`;
}

export function createSessionGrants(maxEntries = 10_000): SessionGrants {
  const grants = new Set<string>();
  const keyOf = (context: DownstreamContext, server: string, tool: string, version: string) =>
    `${sessionKeyOf(context)}\u0000${context.client}\u0000${server}\u0000${tool}\u0000${version}`;
  return {
    has: (context, server, tool, version) => grants.size > 0 && grants.has(keyOf(context, server, tool, version)),
    add(context, server, tool, version) {
      // Sessions end without telling guards; bound the set so long-lived hubs stay small.
      if (grants.size >= maxEntries) grants.delete(grants.values().next().value as string);
      grants.add(keyOf(context, server, tool, version));
    },
  };
}
