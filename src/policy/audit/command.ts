/**
 * `patchbay audit [--since] [--client] [--server] [--decision] [--kind] [--limit] [--json]` and
 * `patchbay audit export [--output FILE]` (JSON lines, one event per line, oldest first).
 */
import { createWriteStream, existsSync } from 'node:fs';
import { once } from 'node:events';
import { PatchbayError } from '../../errors.js';
import { defaultDatabasePath } from '../../store/database.js';
import { parseSince } from '../../store/since.js';
import type { AuditKind } from '../audit-sink.js';
import { openAuditStore, type AuditQuery, type AuditRow } from './store.js';

export interface AuditCommandOptions {
  since?: string;
  client?: string;
  server?: string;
  tool?: string;
  decision?: string;
  kind?: string;
  outcome?: string;
  limit?: string;
  json?: boolean;
  db?: string;
}

const DECISIONS = ['allow', 'ask', 'deny'];
const KINDS: readonly AuditKind[] = ['call', 'decision', 'approval', 'list_changed', 'quarantine', 'secret'];

export function auditQueryOf(options: AuditCommandOptions): AuditQuery {
  if (options.decision !== undefined && !DECISIONS.includes(options.decision)) throw new PatchbayError('USAGE', `--decision ${options.decision}: expected allow, ask or deny`);
  if (options.kind !== undefined && !(KINDS as readonly string[]).includes(options.kind)) throw new PatchbayError('USAGE', `--kind ${options.kind}: expected one of ${KINDS.join(', ')}`);
  const query: AuditQuery = {};
  if (options.since !== undefined) query.since = parseSince(options.since);
  if (options.client !== undefined) query.client = options.client;
  if (options.server !== undefined) query.server = options.server;
  if (options.tool !== undefined) query.tool = options.tool;
  if (options.decision !== undefined) query.decision = options.decision as AuditQuery['decision'];
  if (options.kind !== undefined) query.kind = options.kind as AuditKind;
  if (options.outcome !== undefined) query.outcome = options.outcome;
  return query;
}

function time(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function renderAuditTable(rows: readonly AuditRow[]): string {
  const table = [['TIME', 'KIND', 'CLIENT', 'SERVER', 'TOOL', 'DECISION', 'OUTCOME', 'MS', 'RULE / DETAIL']];
  for (const r of rows) {
    const note = [r.rule, r.approvalId ? `approval ${r.approvalId}` : undefined, r.detail].filter(Boolean).join(' · ');
    table.push([time(r.time), r.kind, r.client ?? '', r.server ?? '', r.tool ?? '', r.decision ?? '', r.outcome ?? '', r.durationMs === undefined ? '' : String(r.durationMs), note.length > 120 ? `${note.slice(0, 119)}…` : note]);
  }
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return `${table.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n')}\n`;
}

export async function runAuditCommand(options: AuditCommandOptions, out: NodeJS.WritableStream = process.stdout): Promise<AuditRow[]> {
  const query = auditQueryOf(options);
  const limit = options.limit === undefined ? 100 : Number(options.limit);
  if (!Number.isInteger(limit) || limit <= 0) throw new PatchbayError('USAGE', `--limit ${options.limit}: expected a positive whole number`);
  const file = options.db ?? defaultDatabasePath();
  if (!existsSync(file)) {
    out.write(options.json ? '[]\n' : `Nothing recorded yet: ${file} does not exist (the hub writes it once it serves calls).\n`);
    return [];
  }
  const store = openAuditStore(file, { retentionDays: 0 });
  try {
    const rows = store.query({ ...query, limit });
    if (options.json) out.write(`${JSON.stringify(rows, null, 2)}\n`);
    else if (rows.length === 0) out.write('No audit events match.\n');
    else out.write(renderAuditTable(rows));
    return rows;
  } finally {
    await store.close();
  }
}

/** Every matching event as one JSON object per line, streamed (a year of calls does not need to fit in memory). */
export async function runAuditExport(options: AuditCommandOptions & { output?: string }, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const query = auditQueryOf(options);
  const file = options.db ?? defaultDatabasePath();
  if (!existsSync(file)) return 0;
  const target = options.output ? createWriteStream(options.output, { mode: 0o600 }) : out;
  const store = openAuditStore(file, { retentionDays: 0 });
  let count = 0;
  try {
    for (const row of store.iterate(query)) {
      count++;
      if (!target.write(`${JSON.stringify(row)}\n`)) await once(target, 'drain');
    }
  } finally {
    await store.close();
    if (options.output) {
      (target as NodeJS.WritableStream).end();
      await once(target, 'finish');
    }
  }
  if (options.output) process.stderr.write(`${count} audit event${count === 1 ? '' : 's'} written to ${options.output}\n`);
  return count;
}
