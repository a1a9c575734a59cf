/**
 * The queue of questions for a person: a held call's request for approval, and the answer. It
 * lives in patchbay.db because the one answering (`patchbay approvals allow ID`, later the
 * dashboard) is another process than the hub that holds the call. The first answer wins
 * (`UPDATE … WHERE status = 'pending'`), whether it comes from the calling client's own dialog
 * or from the queue.
 *
 * An approval is bound to {client, server, tool, argsDigest, policyVersion}: a retry of the same
 * call finds it (an answer given after the call timed out still counts for the retry), a call
 * with other arguments or under changed rules is a new question. It expires after `keepMs`.
 * The arguments are kept redacted and clipped, only so the person can see what is asked.
 */
import { randomBytes } from 'node:crypto';
import { defaultDatabasePath, migrateStore, openDatabase, type SqliteDatabase } from '../../store/database.js';

export type ApprovalStatus = 'pending' | 'allowed' | 'denied' | 'expired';
/** once: this call; session: this tool for the rest of the session; always: an allow rule in config.json. */
export type ApprovalScope = 'once' | 'session' | 'always';

export interface ApprovalKey {
  client: string;
  server: string;
  tool: string;
  argsDigest: string;
  policyVersion: string;
}

export interface ApprovalRecord extends ApprovalKey {
  id: string;
  createdAt: number;
  expiresAt: number;
  /** The rule that asked (or `defaultMode`). */
  rule: string;
  /** The arguments, redacted and clipped, for the person deciding. */
  argsPreview: string;
  /** The name the client called the tool by (`files__write_file`). */
  exposedName: string;
  status: ApprovalStatus;
  scope?: ApprovalScope;
  answeredAt?: number;
  /** `cli`, `client:<name>`, `dashboard`. */
  answeredBy?: string;
  consumedAt?: number;
}

export interface NewApproval extends ApprovalKey {
  rule: string;
  argsPreview: string;
  exposedName: string;
  keepMs: number;
}

export interface ApprovalAnswer {
  status: 'allowed' | 'denied';
  scope?: ApprovalScope;
  by: string;
}

export interface ApprovalStore {
  create(approval: NewApproval, now?: number): ApprovalRecord;
  get(id: string, now?: number): ApprovalRecord | undefined;
  /** The newest unexpired approval for this exact call that is pending, or answered and not used yet. */
  findOpen(key: ApprovalKey, now?: number): ApprovalRecord | undefined;
  /** Records an answer if the approval is still pending; returns the approval as it now stands. */
  answer(id: string, answer: ApprovalAnswer, now?: number): ApprovalRecord | undefined;
  /** Marks an allowed approval used; false when another call used it first. */
  consume(id: string, now?: number): boolean;
  /** Newest first. */
  list(options?: { status?: ApprovalStatus; since?: number; limit?: number }, now?: number): ApprovalRecord[];
  /** Those of `ids` that are no longer pending (the hub's watch of its waiting calls). */
  settled(ids: readonly string[], now?: number): ApprovalRecord[];
  /** Drops approvals that expired before `before`. */
  purge(before: number): number;
  close(): void;
}

const MIGRATIONS = [
  `CREATE TABLE approvals (
     id TEXT PRIMARY KEY,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     client TEXT NOT NULL,
     server TEXT NOT NULL,
     tool TEXT NOT NULL,
     exposed_name TEXT NOT NULL,
     args_digest TEXT NOT NULL,
     args_preview TEXT NOT NULL,
     policy_version TEXT NOT NULL,
     rule TEXT NOT NULL,
     status TEXT NOT NULL,
     scope TEXT,
     answered_at INTEGER,
     answered_by TEXT,
     consumed_at INTEGER
   );
   CREATE INDEX approvals_key ON approvals (client, server, tool, args_digest);
   CREATE INDEX approvals_status ON approvals (status, created_at);`,
];

interface Row {
  id: string;
  created_at: number;
  expires_at: number;
  client: string;
  server: string;
  tool: string;
  exposed_name: string;
  args_digest: string;
  args_preview: string;
  policy_version: string;
  rule: string;
  status: ApprovalStatus;
  scope: ApprovalScope | null;
  answered_at: number | null;
  answered_by: string | null;
  consumed_at: number | null;
}

function toRecord(row: Row, now: number): ApprovalRecord {
  const expired = row.status === 'pending' && row.expires_at <= now;
  return {
    id: row.id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    client: row.client,
    server: row.server,
    tool: row.tool,
    exposedName: row.exposed_name,
    argsDigest: row.args_digest,
    argsPreview: row.args_preview,
    policyVersion: row.policy_version,
    rule: row.rule,
    status: expired ? 'expired' : row.status,
    ...(row.scope ? { scope: row.scope } : {}),
    ...(row.answered_at !== null ? { answeredAt: row.answered_at } : {}),
    ...(row.answered_by !== null ? { answeredBy: row.answered_by } : {}),
    ...(row.consumed_at !== null ? { consumedAt: row.consumed_at } : {}),
  };
}

/** Eight characters a person can type: lowercase letters and digits (41 bits). */
export function newApprovalId(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(8);
  let id = '';
  for (const b of bytes) id += alphabet[b & 31];
  return id;
}

export function openApprovalStore(file: string = defaultDatabasePath()): ApprovalStore {
  const db: SqliteDatabase = openDatabase(file, { purpose: 'approvals' });
  try {
    migrateStore(db, 'approvals', MIGRATIONS, file);
  } catch (error) {
    db.close();
    throw error;
  }
  const insert = db.prepare(`INSERT INTO approvals (id, created_at, expires_at, client, server, tool, exposed_name, args_digest, args_preview, policy_version, rule, status)
    VALUES (@id, @created_at, @expires_at, @client, @server, @tool, @exposed_name, @args_digest, @args_preview, @policy_version, @rule, 'pending')`);
  const byId = db.prepare('SELECT * FROM approvals WHERE id = ?');
  const open = db.prepare(`SELECT * FROM approvals WHERE client = ? AND server = ? AND tool = ? AND args_digest = ? AND policy_version = ?
    AND expires_at > ? AND consumed_at IS NULL AND status IN ('pending', 'allowed', 'denied') ORDER BY created_at DESC LIMIT 1`);
  const answer = db.prepare(`UPDATE approvals SET status = @status, scope = @scope, answered_at = @now, answered_by = @by
    WHERE id = @id AND status = 'pending' AND expires_at > @now`);
  const consume = db.prepare("UPDATE approvals SET consumed_at = ? WHERE id = ? AND status = 'allowed' AND consumed_at IS NULL");
  const purge = db.prepare('DELETE FROM approvals WHERE expires_at < ?');

  return {
    create(approval, now = Date.now()) {
      for (let attempt = 0; ; attempt++) {
        const id = newApprovalId();
        try {
          insert.run({
            id,
            created_at: now,
            expires_at: now + approval.keepMs,
            client: approval.client,
            server: approval.server,
            tool: approval.tool,
            exposed_name: approval.exposedName,
            args_digest: approval.argsDigest,
            args_preview: approval.argsPreview,
            policy_version: approval.policyVersion,
            rule: approval.rule,
          });
          return toRecord(byId.get(id) as Row, now);
        } catch (error) {
          if (attempt < 3 && /UNIQUE/.test((error as Error).message)) continue;
          throw error;
        }
      }
    },
    get(id, now = Date.now()) {
      const row = byId.get(id) as Row | undefined;
      return row && toRecord(row, now);
    },
    findOpen(key, now = Date.now()) {
      const row = open.get(key.client, key.server, key.tool, key.argsDigest, key.policyVersion, now) as Row | undefined;
      return row && toRecord(row, now);
    },
    answer(id, a, now = Date.now()) {
      answer.run({ id, status: a.status, scope: a.status === 'allowed' ? (a.scope ?? 'once') : null, by: a.by, now });
      const row = byId.get(id) as Row | undefined;
      return row && toRecord(row, now);
    },
    consume(id, now = Date.now()) {
      return consume.run(now, id).changes === 1;
    },
    list(options = {}, now = Date.now()) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (options.since !== undefined) {
        where.push('created_at >= ?');
        params.push(options.since);
      }
      if (options.status === 'expired') {
        where.push("status = 'pending' AND expires_at <= ?");
        params.push(now);
      } else if (options.status === 'pending') {
        where.push("status = 'pending' AND expires_at > ?");
        params.push(now);
      } else if (options.status) {
        where.push('status = ?');
        params.push(options.status);
      }
      const sql = `SELECT * FROM approvals${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT ${Math.max(1, Math.floor(options.limit ?? 100))}`;
      return (db.prepare(sql).all(...params) as Row[]).map((row) => toRecord(row, now));
    },
    settled(ids, now = Date.now()) {
      if (ids.length === 0) return [];
      const rows = db.prepare(`SELECT * FROM approvals WHERE id IN (${ids.map(() => '?').join(',')})`).all(...ids) as Row[];
      return rows.map((row) => toRecord(row, now)).filter((r) => r.status !== 'pending');
    },
    purge(before) {
      return purge.run(before).changes;
    },
    close() {
      db.close();
    },
  };
}
