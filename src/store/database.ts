/**
 * Opening Patchbay's SQLite file (`<data>/patchbay.db`), shared by every store (usage, audit,
 * pins, approvals, threads, tokens). Each store opens its own connection and owns its tables;
 * WAL lets one process write while others read.
 *
 * - The file and its -wal/-shm companions are owner-only (0600) and the directory 0700: the
 *   database holds who called what, and never anyone else's business.
 * - Each store migrates its own schema with `migrateStore(db, name, migrations)`, versioned per
 *   store in `patchbay_schema`, so stores can be added without knowing about each other. (The
 *   usage store predates this and keeps `PRAGMA user_version`.)
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PatchbayError } from '../errors.js';
import { ensurePrivateDirSync, patchbayPaths } from '../paths.js';

export type SqliteDatabase = Database.Database;

export function defaultDatabasePath(): string {
  return join(patchbayPaths().data, 'patchbay.db');
}

export interface OpenDatabaseOptions {
  /** How long a statement waits for another process's lock (default 5 s). */
  busyTimeoutMs?: number;
  /** Named in errors: "cannot open the <purpose> database". */
  purpose?: string;
}

/** Creates the directory (0700) and the file (0600) before SQLite does, so neither is ever world-readable. */
export function ensurePrivateFile(file: string): void {
  ensurePrivateDirSync(dirname(file), { mkdirSync, chmodSync });
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
}

export function openDatabase(file: string = defaultDatabasePath(), options: OpenDatabaseOptions = {}): SqliteDatabase {
  let db: SqliteDatabase | undefined;
  try {
    ensurePrivateFile(file);
    db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // SQLite creates -wal and -shm with the main file's mode minus the umask; make sure.
    for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) chmodSync(file + suffix, 0o600);
    return db;
  } catch (error) {
    db?.close();
    throw new PatchbayError('CONFIG_INVALID', `cannot open the ${options.purpose ?? 'Patchbay'} database ${file}: ${(error as Error).message}`, {
      cause: error,
      hint: 'If the file is damaged, move it aside; Patchbay creates a new one on the next start.',
    });
  }
}

/** Moves one store's tables from its recorded version to `migrations.length`, in one transaction. */
export function migrateStore(db: SqliteDatabase, store: string, migrations: readonly string[], file = db.name): void {
  db.exec('CREATE TABLE IF NOT EXISTS patchbay_schema (store TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM patchbay_schema WHERE store = ?').get(store) as { version: number } | undefined;
  const version = row?.version ?? 0;
  if (version > migrations.length) {
    throw new PatchbayError('CONFIG_INVALID', `${file} has ${store} schema version ${version}, newer than this Patchbay knows (${migrations.length})`, {
      hint: 'Upgrade Patchbay, or point it at another database file.',
    });
  }
  if (version === migrations.length) return;
  db.transaction(() => {
    for (let v = version; v < migrations.length; v++) db.exec(migrations[v]!);
    db.prepare('INSERT INTO patchbay_schema (store, version) VALUES (?, ?) ON CONFLICT(store) DO UPDATE SET version = excluded.version').run(store, migrations.length);
  }).immediate();
}
