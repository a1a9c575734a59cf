/**
 * `patchbay approvals [--all] [--watch]`, `approvals allow ID [--session|--always]`,
 * `approvals deny ID`: the queue a person answers from a terminal while the hub holds the call
 * (ask.ts watches the same rows). The dashboard will call the same functions.
 */
import { PatchbayError } from '../../errors.js';
import { addAllowRule } from '../always-allow.js';
import { openApprovalStore, type ApprovalRecord, type ApprovalScope, type ApprovalStore } from './store.js';

function when(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function describeApproval(r: ApprovalRecord): string {
  const status = r.status === 'pending' ? `pending, expires ${when(r.expiresAt).slice(11)}` : `${r.status}${r.scope ? ` (${r.scope})` : ''}${r.answeredBy ? ` by ${r.answeredBy}` : ''}${r.consumedAt ? ', used' : ''}`;
  return [
    `${r.id}  ${when(r.createdAt)}  client "${r.client}" → ${r.exposedName} (server "${r.server}")  [${status}]`,
    `    arguments: ${r.argsPreview}`,
    `    asked by: ${r.rule}`,
  ].join('\n');
}

function withStore<T>(fn: (store: ApprovalStore) => T | Promise<T>, file?: string): Promise<T> {
  const store = openApprovalStore(file);
  return Promise.resolve(fn(store)).finally(() => store.close());
}

export async function listApprovalsCommand(options: { all?: boolean; json?: boolean; db?: string }, out: NodeJS.WritableStream = process.stdout): Promise<ApprovalRecord[]> {
  return withStore((store) => {
    const records = store.list(options.all ? { since: Date.now() - 86_400_000 } : { status: 'pending' });
    if (options.json) out.write(`${JSON.stringify(records, null, 2)}\n`);
    else if (records.length === 0) out.write(options.all ? 'No approvals in the last 24 hours.\n' : 'Nothing is waiting for approval.\n');
    else out.write(`${records.map(describeApproval).join('\n')}\n${options.all ? '' : '\nAnswer with `patchbay approvals allow ID` (--session, --always) or `patchbay approvals deny ID`.\n'}`);
    return records;
  }, options.db);
}

export async function answerApprovalCommand(id: string, answer: { status: 'allowed' | 'denied'; scope?: ApprovalScope }, options: { db?: string; configFile?: string; by?: string } = {}, out: NodeJS.WritableStream = process.stdout): Promise<ApprovalRecord> {
  const record = await withStore((store) => {
    const before = store.get(id);
    if (!before) throw new PatchbayError('USAGE', `No approval with id "${id}"`, { hint: '`patchbay approvals --all` lists the recent ones.' });
    if (before.status !== 'pending') {
      throw new PatchbayError('USAGE', `Approval ${id} is already ${before.status}${before.answeredBy ? ` (by ${before.answeredBy})` : ''}`, { hint: before.status === 'expired' ? 'The call will be asked again if it is retried.' : 'Nothing to do.' });
    }
    const by = options.by ?? 'cli';
    const after = store.answer(id, { status: answer.status, scope: answer.scope, by });
    if (!after || after.status === 'pending' || after.status === 'expired') throw new PatchbayError('USAGE', `Approval ${id} expired just now`, { hint: 'The call will be asked again if it is retried.' });
    if (after.answeredBy !== by) throw new PatchbayError('USAGE', `Approval ${id} was answered a moment ago by ${after.answeredBy}: ${after.status}`, { hint: 'Nothing to do.' });
    return after;
  }, options.db);
  const lines = [`${record.status === 'allowed' ? 'Allowed' : 'Denied'}: ${record.id} (client "${record.client}" → ${record.exposedName}).`];
  if (record.status === 'allowed' && record.scope === 'always') {
    const { rule, added } = await addAllowRule(record.server, record.tool, options.configFile);
    lines.push(added ? `"${rule}" was added to permissions.allow.` : `"${rule}" was already in permissions.allow.`);
    if (record.rule !== 'defaultMode' && !record.rule.endsWith('.defaultMode')) {
      lines.push(`Note: it was asked by the ask rule "${record.rule}", which is evaluated before every allow rule; remove that rule to stop being asked.`);
    }
  }
  if (record.status === 'allowed') lines.push('A waiting call goes on now; if it already gave up, retrying the same call uses this answer.');
  out.write(`${lines.join('\n')}\n`);
  return record;
}

/** Prints each new pending approval as it arrives, until the signal aborts (Ctrl+C). */
export async function watchApprovalsCommand(options: { db?: string; intervalMs?: number; signal?: AbortSignal }, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const store = openApprovalStore(options.db);
  const shown = new Set<string>();
  out.write('Watching for approvals (Ctrl+C to stop)…\n');
  try {
    await new Promise<void>((resolve) => {
      const tick = () => {
        for (const r of store.list({ status: 'pending' }).reverse()) {
          if (shown.has(r.id)) continue;
          shown.add(r.id);
          out.write(`${describeApproval(r)}\n    answer: patchbay approvals allow ${r.id}   |   patchbay approvals deny ${r.id}\n`);
        }
      };
      tick();
      const timer = setInterval(tick, options.intervalMs ?? 500);
      const stop = () => {
        clearInterval(timer);
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      options.signal?.addEventListener('abort', stop, { once: true });
    });
  } finally {
    store.close();
  }
}
