/**
 * Conversation threads of `patchbay server models` (`ask(..., thread)`): the turns of one
 * conversation, so a follow-up question carries what was said before. Unlike pal-mcp-server's
 * in-memory threads, they live in Patchbay's SQLite file and survive a restart of the hub or
 * the server; they expire by age (`maxAgeMs` since the last turn), checked whenever the store
 * is used. `ThreadStore` is the seam; openThreadStore() is its SQLite implementation.
 */
import type { ContentBlock } from '../proxy/anthropic-types.js';
import { defaultDatabasePath, migrateStore, openDatabase, type SqliteDatabase } from './database.js';

export interface ThreadTurn {
  role: 'user' | 'assistant';
  content: string | ContentBlock[];
  /** The model that answered (assistant turns). */
  model?: string;
  time: number;
}

export interface ThreadStore {
  /** The thread's turns, oldest first; empty for an unknown or expired thread. */
  turns(thread: string): ThreadTurn[];
  append(thread: string, turns: ThreadTurn[]): void;
  /** Removes threads whose last turn is older than the store's maximum age; returns how many. */
  expire(now?: number): number;
  close(): void;
}

export interface ThreadStoreOptions {
  /** Threads untouched for longer than this are gone (default 7 days). */
  maxAgeMs?: number;
}

export const DEFAULT_THREAD_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

const MIGRATIONS = [
  `CREATE TABLE thread_turns (
     thread TEXT NOT NULL,
     seq INTEGER NOT NULL,
     role TEXT NOT NULL,
     content TEXT NOT NULL,
     model TEXT,
     time INTEGER NOT NULL,
     PRIMARY KEY (thread, seq)
   );
   CREATE TABLE threads (id TEXT PRIMARY KEY, updated_at INTEGER NOT NULL);
   CREATE INDEX threads_updated ON threads (updated_at);`,
];

export function openThreadStore(file: string = defaultDatabasePath(), options: ThreadStoreOptions = {}): ThreadStore {
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_THREAD_MAX_AGE_MS;
  const db: SqliteDatabase = openDatabase(file, { purpose: 'thread' });
  migrateStore(db, 'threads', MIGRATIONS, file);
  const select = db.prepare('SELECT t.role, t.content, t.model, t.time FROM thread_turns t JOIN threads h ON h.id = t.thread WHERE t.thread = ? AND h.updated_at >= ? ORDER BY t.seq');
  const last = db.prepare('SELECT COALESCE(MAX(seq), -1) AS seq FROM thread_turns WHERE thread = ?');
  const insert = db.prepare('INSERT INTO thread_turns (thread, seq, role, content, model, time) VALUES (?, ?, ?, ?, ?, ?)');
  const touch = db.prepare('INSERT INTO threads (id, updated_at) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at');
  const stale = db.prepare('SELECT id FROM threads WHERE updated_at < ?');
  const dropTurns = db.prepare('DELETE FROM thread_turns WHERE thread = ?');
  const dropThread = db.prepare('DELETE FROM threads WHERE id = ?');

  const expire = db.transaction((now: number): number => {
    const ids = (stale.all(now - maxAgeMs) as Array<{ id: string }>).map((r) => r.id);
    for (const id of ids) { dropTurns.run(id); dropThread.run(id); }
    return ids.length;
  });
  const append = db.transaction((thread: string, turns: ThreadTurn[]) => {
    let seq = (last.get(thread) as { seq: number }).seq;
    for (const turn of turns) insert.run(thread, ++seq, turn.role, JSON.stringify(turn.content), turn.model ?? null, turn.time);
    touch.run(thread, turns.at(-1)?.time ?? Date.now());
  });

  return {
    turns(thread) {
      expire(Date.now());
      return (select.all(thread, Date.now() - maxAgeMs) as Array<{ role: 'user' | 'assistant'; content: string; model: string | null; time: number }>).map((r) => ({
        role: r.role,
        content: JSON.parse(r.content) as ThreadTurn['content'],
        ...(r.model ? { model: r.model } : {}),
        time: r.time,
      }));
    },
    append: (thread, turns) => { if (turns.length > 0) append(thread, turns); },
    expire: (now = Date.now()) => expire(now),
    close: () => db.close(),
  };
}
