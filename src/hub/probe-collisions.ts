/**
 * Collisions among probed servers, as the hub would find them: each connected server's tool
 * names through the same catalog (prefix, allowTools, denyTools, the 64-character shortening),
 * so `mcp list` and `doctor` say which tools `patchbay up` will withhold, and why.
 */
import type { ScopedServer } from '../config/types.js';
import { buildCatalog, emptyLists, type CatalogInput } from './catalog.js';
import type { ProbeResult } from './probe.js';

/** Per server name, the collision messages the hub's catalog gives (catalog.ts). */
export function probeCollisions(servers: readonly ScopedServer[], results: readonly ProbeResult[]): Map<string, string[]> {
  const inputs: CatalogInput[] = [];
  servers.forEach((server, i) => {
    const names = results[i]?.toolNames;
    if (results[i]?.status !== 'connected' || names === undefined) return;
    inputs.push({ server: server.name, options: server.entry.patchbay ?? {}, lists: { ...emptyLists(), tools: names.map((name) => ({ name })) } });
  });
  return buildCatalog(inputs).problems;
}
