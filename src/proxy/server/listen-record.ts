/**
 * Where the model proxy listens right now. `patchbay up` (proxy under /v1/ on the hub's port,
 * 8765) and `patchbay proxy` (its own port, 3457 or --port) each write one small file,
 * `<data dir>/run/<kind>-<pid>.json` = {kind, pid, url, startedAt, project}, owner-only, and
 * remove it when they stop; `patchbay env` and `patchbay claude` read them, so they point a
 * client at the proxy that is actually running instead of at the configured port. A file whose
 * pid is gone (a crash, a kill -9) is stale: it is ignored and deleted by whoever reads it.
 *
 * One file per process, not one shared file: two `up`s in two projects must not overwrite each
 * other, and the one that stops must not take the other's record with it.
 */
import { unlinkSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../config/store/atomic-write.js';
import { patchbayPaths } from '../../paths.js';

export type ListenerKind = 'up' | 'proxy';

export interface ListenerRecord {
  kind: ListenerKind;
  pid: number;
  /** The base URL a client uses (ANTHROPIC_BASE_URL): `http://127.0.0.1:8765`. */
  url: string;
  startedAt: string;
  /** For `up`: the project it serves. */
  project?: string;
}

export interface RecordedListener {
  file: string;
  /** Deletes the file (idempotent); also done synchronously if the process exits first. */
  remove(): Promise<void>;
}

export function listenerDir(): string {
  return join(patchbayPaths().data, 'run');
}

/** The URL a local client uses for a server bound to `host` (0.0.0.0 and :: are reached on loopback). */
export function localUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

export async function recordListener(entry: { kind: ListenerKind; url: string; project?: string }): Promise<RecordedListener> {
  const dir = listenerDir();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700); // mkdir's mode applies only to a folder it creates
  const file = join(dir, `${entry.kind}-${process.pid}.json`);
  const record: ListenerRecord = { kind: entry.kind, pid: process.pid, url: entry.url, startedAt: new Date().toISOString(), ...(entry.project ? { project: entry.project } : {}) };
  await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  const onExit = (): void => { try { unlinkSync(file); } catch { /* already gone */ } };
  process.once('exit', onExit);
  return {
    file,
    async remove() {
      process.off('exit', onExit);
      await unlink(file).catch(() => undefined);
    },
  };
}

/** Is a process with this pid running? EPERM means it is, under another user. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseRecord(text: string): ListenerRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<ListenerRecord>;
    if ((value.kind === 'up' || value.kind === 'proxy') && Number.isInteger(value.pid) && typeof value.url === 'string' && typeof value.startedAt === 'string') return value as ListenerRecord;
  } catch { /* a torn or foreign file: treated as stale */ }
  return undefined;
}

/** The live listeners, most recently started first; stale and unreadable records are deleted. */
export async function findListeners(): Promise<ListenerRecord[]> {
  const dir = listenerDir();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const live: ListenerRecord[] = [];
  for (const name of names) {
    if (!/^(up|proxy)-\d+\.json$/.test(name)) continue;
    const file = join(dir, name);
    const record = parseRecord(await readFile(file, 'utf8').catch(() => ''));
    if (record && isRunning(record.pid)) live.push(record);
    else await unlink(file).catch(() => undefined);
  }
  return live.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/** "`patchbay up` (pid 4242, project /src/app)", for messages. */
export function describeListener(record: ListenerRecord): string {
  return `\`patchbay ${record.kind}\` (pid ${record.pid}${record.project ? `, project ${record.project}` : ''})`;
}
