/**
 * The pin store in SQLite: tables `pins`, `pin_pending`, `pin_servers` and `pin_meta` in
 * Patchbay's `patchbay.db` (store/database.ts: 0600, WAL, per-store migrations).
 *
 * Two processes share it: the hub observes and writes, `patchbay pins approve` approves. An
 * approval bumps `pin_meta.approvals` in the same transaction; the hub asks `PRAGMA
 * data_version` (which changes only when another connection committed, and costs no I/O) and
 * reads the counter only then, so the check is cheap enough for every list and call.
 */
import { defaultDatabasePath, migrateStore, openDatabase, type SqliteDatabase } from '../../store/database.js';
import type { DefinitionKind, Finding } from '../scan/types.js';
import type { PendingRecord, PinListing, PinRecord, PinStore, ServerPins } from './store.js';

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE pins (
     origin TEXT NOT NULL,
     server TEXT NOT NULL,
     kind TEXT NOT NULL,
     name TEXT NOT NULL,
     hash TEXT NOT NULL,
     definition TEXT NOT NULL,
     trust TEXT NOT NULL,
     accepted TEXT NOT NULL DEFAULT '[]',
     pinned_at INTEGER NOT NULL,
     PRIMARY KEY (origin, server, kind, name)
   );
   CREATE TABLE pin_pending (
     origin TEXT NOT NULL,
     server TEXT NOT NULL,
     kind TEXT NOT NULL,
     name TEXT NOT NULL,
     hash TEXT NOT NULL,
     definition TEXT NOT NULL,
     reason TEXT NOT NULL,
     detail TEXT NOT NULL,
     findings TEXT NOT NULL DEFAULT '[]',
     first_seen INTEGER NOT NULL,
     last_seen INTEGER NOT NULL,
     PRIMARY KEY (origin, server, kind, name)
   );
   CREATE TABLE pin_servers (
     origin TEXT NOT NULL,
     server TEXT NOT NULL,
     first_seen INTEGER NOT NULL,
     PRIMARY KEY (origin, server)
   );
   CREATE TABLE pin_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
   INSERT INTO pin_meta (key, value) VALUES ('approvals', 0);`,
];

interface PinRow {
  origin: string;
  server: string;
  kind: DefinitionKind;
  name: string;
  hash: string;
  definition: string;
  trust: PinRecord['trust'];
  accepted: string;
  pinned_at: number;
}

interface PendingRow {
  origin: string;
  server: string;
  kind: DefinitionKind;
  name: string;
  hash: string;
  definition: string;
  reason: PendingRecord['reason'];
  detail: string;
  findings: string;
  first_seen: number;
  last_seen: number;
}

const toPin = (r: PinRow): PinRecord => ({
  origin: r.origin, server: r.server, kind: r.kind, name: r.name, hash: r.hash, definition: r.definition, trust: r.trust,
  accepted: JSON.parse(r.accepted) as string[], pinnedAt: r.pinned_at,
});
const toPending = (r: PendingRow): PendingRecord => ({
  origin: r.origin, server: r.server, kind: r.kind, name: r.name, hash: r.hash, definition: r.definition, reason: r.reason, detail: r.detail,
  findings: JSON.parse(r.findings) as Finding[], firstSeen: r.first_seen, lastSeen: r.last_seen,
});

/** Opens (creating and migrating as needed) the pin store; default file `<data>/patchbay.db`. */
export function openPinStore(file: string = defaultDatabasePath()): PinStore {
  const db: SqliteDatabase = openDatabase(file, { purpose: 'pins' });
  try {
    migrateStore(db, 'pins', MIGRATIONS, file);
  } catch (error) {
    db.close();
    throw error;
  }
  const q = {
    dataVersion: db.prepare('PRAGMA data_version').pluck(),
    approvals: db.prepare("SELECT value FROM pin_meta WHERE key = 'approvals'").pluck(),
    bump: db.prepare("UPDATE pin_meta SET value = value + 1 WHERE key = 'approvals'"),
    known: db.prepare('SELECT 1 FROM pin_servers WHERE origin = ? AND server = ?').pluck(),
    markKnown: db.prepare('INSERT OR IGNORE INTO pin_servers (origin, server, first_seen) VALUES (?, ?, ?)'),
    pinsOf: db.prepare('SELECT * FROM pins WHERE origin = ? AND server = ?'),
    hasPin: db.prepare('SELECT 1 FROM pins WHERE origin = ? AND server = ? AND kind = ? AND name = ?').pluck(),
    pendingOf: db.prepare('SELECT * FROM pin_pending WHERE origin = ? AND server = ?'),
    putPin: db.prepare(
      `INSERT INTO pins (origin, server, kind, name, hash, definition, trust, accepted, pinned_at) VALUES (@origin, @server, @kind, @name, @hash, @definition, @trust, @accepted, @pinnedAt)
       ON CONFLICT (origin, server, kind, name) DO UPDATE SET hash = excluded.hash, definition = excluded.definition, trust = excluded.trust, accepted = excluded.accepted, pinned_at = excluded.pinned_at`,
    ),
    clearPending: db.prepare('DELETE FROM pin_pending WHERE origin = ? AND server = ?'),
    putPending: db.prepare(
      `INSERT INTO pin_pending (origin, server, kind, name, hash, definition, reason, detail, findings, first_seen, last_seen)
       VALUES (@origin, @server, @kind, @name, @hash, @definition, @reason, @detail, @findings, @firstSeen, @lastSeen)`,
    ),
    deletePending: db.prepare('DELETE FROM pin_pending WHERE origin = ? AND server = ? AND kind = ? AND name = ?'),
  };
  let seenDataVersion = -1;
  let approvals = 0;

  function readApprovals(): number {
    const dataVersion = q.dataVersion.get() as number;
    if (dataVersion !== seenDataVersion) {
      seenDataVersion = dataVersion;
      approvals = q.approvals.get() as number;
    }
    return approvals;
  }

  const commit = db.transaction((origin: string, server: string, change: { add: PinRecord[]; pending: PendingRecord[] }, expected: number): boolean => {
    // Our own writes leave data_version alone, so read the counter itself inside the lock.
    if ((q.approvals.get() as number) !== expected) return false;
    // Another hub (a second `gateway --stdio`) pinned it first: never overwrite a pin on first sight.
    if (change.add.some((r) => q.hasPin.get(origin, server, r.kind, r.name) !== undefined)) return false;
    q.markKnown.run(origin, server, Date.now());
    for (const r of change.add) q.putPin.run({ ...r, accepted: JSON.stringify(r.accepted) });
    q.clearPending.run(origin, server);
    for (const r of change.pending) q.putPending.run({ ...r, findings: JSON.stringify(r.findings) });
    return true;
  });

  const approveTx = db.transaction((origin: string, server: string, filter: { kind?: DefinitionKind; name?: string }, now: number): PendingRecord[] => {
    const chosen = (q.pendingOf.all(origin, server) as PendingRow[]).map(toPending).filter((r) => (filter.kind === undefined || r.kind === filter.kind) && (filter.name === undefined || r.name === filter.name));
    for (const r of chosen) {
      q.putPin.run({ origin, server, kind: r.kind, name: r.name, hash: r.hash, definition: r.definition, trust: 'approved', accepted: JSON.stringify(r.findings.map((f) => f.key)), pinnedAt: now });
      q.deletePending.run(origin, server, r.kind, r.name);
    }
    if (chosen.length > 0) {
      q.markKnown.run(origin, server, now);
      q.bump.run();
    }
    return chosen;
  });

  return {
    approvalsVersion: readApprovals,
    load(origin, server): ServerPins {
      return {
        known: q.known.get(origin, server) !== undefined,
        pins: (q.pinsOf.all(origin, server) as PinRow[]).map(toPin),
        pending: (q.pendingOf.all(origin, server) as PendingRow[]).map(toPending),
      };
    },
    commitObservation: (origin, server, change, expectedVersion) => commit.immediate(origin, server, change, expectedVersion),
    approve: (origin, server, filter = {}, now = Date.now()) => approveTx.immediate(origin, server, filter, now),
    list(filter = {}): PinListing {
      const where = (table: string) => {
        const clauses: string[] = [];
        const args: string[] = [];
        if (filter.origin !== undefined) (clauses.push('origin = ?'), args.push(filter.origin));
        if (filter.server !== undefined) (clauses.push('server = ?'), args.push(filter.server));
        return db.prepare(`SELECT * FROM ${table}${clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : ''} ORDER BY origin, server`).all(...args);
      };
      return {
        servers: (where('pin_servers') as { origin: string; server: string; first_seen: number }[]).map((r) => ({ origin: r.origin, server: r.server, firstSeen: r.first_seen })),
        pins: (where('pins') as PinRow[]).map(toPin),
        pending: (where('pin_pending') as PendingRow[]).map(toPending),
      };
    },
    close: () => db.close(),
  };
}
