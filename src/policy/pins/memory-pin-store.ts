/** The pin store in memory, for tests of the guard alone (one process: no other writer). */
import type { DefinitionKind } from '../scan/types.js';
import type { PendingRecord, PinListing, PinOrigin, PinRecord, PinStore, ServerPins } from './store.js';

const id = (r: { origin: string; server: string; kind: string; name: string }) => `${r.origin}\0${r.server}\0${r.kind}\0${r.name}`;

export function createMemoryPinStore(): PinStore {
  const pins = new Map<string, PinRecord>();
  const pending = new Map<string, PendingRecord>();
  const servers = new Map<string, { origin: PinOrigin; server: string; firstSeen: number }>();
  let version = 0;
  const of = <T extends { origin: string; server: string }>(map: Map<string, T>, origin?: string, server?: string) =>
    [...map.values()].filter((r) => (origin === undefined || r.origin === origin) && (server === undefined || r.server === server));
  return {
    approvalsVersion: () => version,
    load(origin, server): ServerPins {
      return { known: servers.has(`${origin}\0${server}`), pins: structuredClone(of(pins, origin, server)), pending: structuredClone(of(pending, origin, server)) };
    },
    commitObservation(origin, server, change, expectedVersion) {
      if (expectedVersion !== version || change.add.some((r) => pins.has(id(r)))) return false;
      if (!servers.has(`${origin}\0${server}`)) servers.set(`${origin}\0${server}`, { origin, server, firstSeen: Date.now() });
      for (const record of change.add) pins.set(id(record), structuredClone(record));
      for (const record of of(pending, origin, server)) pending.delete(id(record));
      for (const record of change.pending) pending.set(id(record), structuredClone(record));
      return true;
    },
    approve(origin, server, filter: { kind?: DefinitionKind; name?: string } = {}, now = Date.now()) {
      const chosen = of(pending, origin, server).filter((r) => (filter.kind === undefined || r.kind === filter.kind) && (filter.name === undefined || r.name === filter.name));
      for (const r of chosen) {
        pins.set(id(r), { origin, server, kind: r.kind, name: r.name, hash: r.hash, definition: r.definition, trust: 'approved', accepted: r.findings.map((f) => f.key), pinnedAt: now });
        pending.delete(id(r));
      }
      if (chosen.length > 0) version++;
      return structuredClone(chosen);
    },
    list(filter = {}): PinListing {
      return { servers: of(servers, filter.origin, filter.server), pins: of(pins, filter.origin, filter.server), pending: of(pending, filter.origin, filter.server) };
    },
    close: () => undefined,
  };
}
