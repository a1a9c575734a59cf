/** `patchbay cost`: reads the usage store and prints the cost table or its JSON. */
import { PatchbayError } from '../../errors.js';
import { defaultUsageDbPath, openUsageStore, parseSince, totalOf, usageDbExists, type UsageGroupBy } from '../../store/usage-store.js';
import { renderCostTable } from './cost-report.js';

export interface CostCommandOptions {
  since?: string;
  by?: string;
  json?: boolean;
  db?: string;
}

const GROUPS: readonly UsageGroupBy[] = ['model', 'day', 'client', 'provider'];

function localTime(time: number): string {
  const d = new Date(time);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export async function runCostCommand(options: CostCommandOptions, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const by = (options.by ?? 'model') as UsageGroupBy;
  if (!GROUPS.includes(by)) {
    throw new PatchbayError('USAGE', `--by ${JSON.stringify(options.by)} is not a grouping`, { hint: `Use one of: ${GROUPS.join(', ')}.` });
  }
  const since = options.since === undefined ? undefined : parseSince(options.since);
  const file = options.db ?? defaultUsageDbPath();
  const window = since === undefined ? 'since the first recorded request' : `since ${localTime(since)}${/^\d+(\.\d+)?\s*[mhdw]$/i.test(options.since!.trim()) ? ` (${options.since!.trim()})` : ''}`;

  if (!usageDbExists(file)) {
    if (options.json) out.write(`${JSON.stringify({ by, since: since === undefined ? null : new Date(since).toISOString(), database: file, rows: [], total: totalOf([]) }, null, 2)}\n`);
    else out.write(`No usage recorded yet: ${file} does not exist.\nThe model proxy (patchbay proxy) records every request it serves there.\n`);
    return;
  }
  const store = openUsageStore(file);
  try {
    const rows = store.query({ by, ...(since === undefined ? {} : { since }) });
    const total = totalOf(rows);
    if (options.json) {
      out.write(`${JSON.stringify({ by, since: since === undefined ? null : new Date(since).toISOString(), database: file, rows, total }, null, 2)}\n`);
    } else if (rows.length === 0) {
      out.write(`No requests recorded ${window}.\n`);
    } else {
      out.write(renderCostTable({ by, window, rows, total }));
    }
  } finally {
    await store.close();
  }
}
