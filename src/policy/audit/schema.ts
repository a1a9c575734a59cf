/**
 * The `audit` table of patchbay.db: its migrations, its columns in insert order, and the
 * mapping between rows and AuditEvents. Opened through the shared opener (src/store/database.ts).
 */
import { defaultDatabasePath, migrateStore, openDatabase, type SqliteDatabase } from '../../store/database.js';
import type { AuditEvent, AuditKind } from '../audit-sink.js';

export interface AuditQuery {
  since?: number;
  until?: number;
  client?: string;
  server?: string;
  tool?: string;
  decision?: 'allow' | 'ask' | 'deny';
  kind?: AuditKind;
  outcome?: string;
  /** Newest rows when set (returned oldest first). */
  limit?: number;
}

export interface AuditRow extends AuditEvent {
  id: number;
}

const MIGRATIONS = [
  `CREATE TABLE audit (
     id INTEGER PRIMARY KEY,
     time INTEGER NOT NULL,
     kind TEXT NOT NULL,
     client TEXT,
     server TEXT,
     tool TEXT,
     decision TEXT,
     rule TEXT,
     approval_id TEXT,
     duration_ms INTEGER,
     outcome TEXT,
     result_bytes INTEGER,
     args_digest TEXT,
     args TEXT,
     detail TEXT
   );
   CREATE INDEX audit_time ON audit (time);`,
];

/** Event keys and their columns, in the order of INSERT_SQL's placeholders. */
export const COLUMNS: readonly (readonly [keyof AuditEvent, string])[] = [
  ['time', 'time'],
  ['kind', 'kind'],
  ['client', 'client'],
  ['server', 'server'],
  ['tool', 'tool'],
  ['decision', 'decision'],
  ['rule', 'rule'],
  ['approvalId', 'approval_id'],
  ['durationMs', 'duration_ms'],
  ['outcome', 'outcome'],
  ['resultBytes', 'result_bytes'],
  ['argsDigest', 'args_digest'],
  ['args', 'args'],
  ['detail', 'detail'],
];

export const INSERT_SQL = `INSERT INTO audit (${COLUMNS.map(([, c]) => c).join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`;

/**
 * An event as the row values INSERT_SQL takes (what travels to the writer thread), plus, when
 * the digest is still to be taken, the arguments' JSON text as a 15th value (ARGS_JSON).
 */
export type AuditValues = (string | number | null)[];
export const DIGEST_INDEX = 11;
export const ARGS_JSON_INDEX = 14;

export function valuesOf(e: AuditEvent, argsJson?: string): AuditValues {
  const v = (value: unknown) => (value === undefined ? null : (value as string | number));
  const row: AuditValues = [e.time, e.kind, v(e.client), v(e.server), v(e.tool), v(e.decision), v(e.rule), v(e.approvalId), v(e.durationMs), v(e.outcome), v(e.resultBytes), v(e.argsDigest), v(e.args), v(e.detail)];
  if (argsJson !== undefined && e.argsDigest === undefined) row.push(argsJson);
  return row;
}

export function toRow(raw: Record<string, unknown>): AuditRow {
  const row: Record<string, unknown> = { id: raw.id };
  for (const [key, column] of COLUMNS) if (raw[column] !== null && raw[column] !== undefined) row[key] = raw[column];
  return row as unknown as AuditRow;
}

export function whereOf(query: AuditQuery): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    where.push(sql);
    params.push(value);
  };
  if (query.since !== undefined) add('time >= ?', query.since);
  if (query.until !== undefined) add('time < ?', query.until);
  if (query.client !== undefined) add('client = ?', query.client);
  if (query.server !== undefined) add('server = ?', query.server);
  if (query.tool !== undefined) add('tool = ?', query.tool);
  if (query.decision !== undefined) add('decision = ?', query.decision);
  if (query.kind !== undefined) add('kind = ?', query.kind);
  if (query.outcome !== undefined) add('outcome = ?', query.outcome);
  return { sql: where.length ? ` WHERE ${where.join(' AND ')}` : '', params };
}

export function openAuditDatabase(file: string = defaultDatabasePath()): SqliteDatabase {
  const db = openDatabase(file, { purpose: 'audit' });
  try {
    migrateStore(db, 'audit', MIGRATIONS, file);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
