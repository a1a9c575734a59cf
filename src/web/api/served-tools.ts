/**
 * The tools the hub serves right now, per server with their names at that server: the Servers
 * page lists them, the Security page scans them (src/policy/scan) like `patchbay scan` does.
 */
import type { ScopedServer } from '../../config/types.js';
import type { Hub } from '../../hub/index.js';
import type { DownstreamContext } from '../../hub/types.js';

export type ServedTool = { name: string; description?: string; inputSchema?: unknown; tool: string } & Record<string, unknown>;

/** The dashboard reading lists: it answers no server-to-client request. */
export const listContext: DownstreamContext = {
  sessionId: 'dashboard',
  client: 'dashboard',
  clientCapabilities: {},
  protocolVersion: '2025-11-25',
  signal: new AbortController().signal,
  notify: () => undefined,
  request: () => Promise.reject(new Error('The dashboard answers no server request while it reads lists')),
};

/** Server name → its served tools; a server's prefix (`patchbay.prefix`, default its name) is cut off. */
export async function servedTools(hub: Hub, servers: ReadonlyMap<string, ScopedServer>): Promise<Map<string, ServedTool[]>> {
  const listed = (await hub.request('tools/list', {}, listContext).catch(() => ({ tools: [] }))) as { tools: { name: string }[] };
  const out = new Map<string, ServedTool[]>();
  for (const status of hub.status()) {
    const prefix = servers.get(status.name)?.entry.patchbay?.prefix ?? status.name;
    const tools = listed.tools.filter((t) => (prefix === '' ? true : t.name.startsWith(`${prefix}__`)));
    out.set(status.name, tools.map((t) => ({ ...t, tool: prefix === '' ? t.name : t.name.slice(prefix.length + 2) })));
  }
  return out;
}
