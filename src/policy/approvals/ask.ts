/**
 * An `ask` decision holds the call and puts the question to a person, two ways at once: the
 * calling client's own dialog (elicit.ts) when it supports forms, and always the queue in
 * patchbay.db that `patchbay approvals` answers. Whichever answers first wins; the other is
 * withdrawn (the elicitation is cancelled). The queue is watched by one poll of the waiting
 * ids every `pollMs` while at least one call waits, and not at all otherwise.
 *
 * Nobody answers within the timeout → the call is denied and says so; the question stays open
 * until it expires, so an answer given later lets a retry of the same call through. Answers:
 * once (this call), session (grants.ts), always (an allow rule in config.json), deny.
 */
import type { GuardedCall } from '../../hub/guard.js';
import { redactJson } from '../../secrets/redact/index.js';
import { callDigest } from '../args-digest.js';
import type { AuditSink } from '../audit-sink.js';
import { policyError } from '../errors.js';
import type { Decision } from '../rules/compile.js';
import type { ApprovalSettings } from '../rules/load.js';
import { answerOf, canElicitForm, elicitationParams } from './elicit.js';
import type { SessionGrants } from './grants.js';
import type { ApprovalKey, ApprovalRecord, ApprovalStore } from './store.js';

export interface AskerOptions {
  store: ApprovalStore;
  grants: SessionGrants;
  settings: () => ApprovalSettings;
  audit: AuditSink;
  /** Writes `allow: mcp__SERVER__TOOL` to config.json and reloads the policy (always-allow.ts). */
  alwaysAllow(server: string, tool: string): Promise<void>;
  pollMs?: number;
  log?: (line: string) => void;
}

export interface Asker {
  /** Resolves when the call may go on; throws the policy error when it may not. */
  ask(call: GuardedCall, decision: Decision, policyVersion: string): Promise<void>;
  /** Calls waiting for an answer now. */
  readonly waiting: number;
  close(): void;
}

type Settled = ApprovalRecord | 'timeout' | 'cancelled';

const PREVIEW_LIMIT = 2_000;

export function argsPreview(args: Record<string, unknown>): string {
  const text = JSON.stringify(redactJson(args));
  return text.length <= PREVIEW_LIMIT ? text : `${text.slice(0, PREVIEW_LIMIT)}… (${text.length} characters)`;
}

function clock(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

export function createAsker(options: AskerOptions): Asker {
  const { store, grants, audit } = options;
  const log = options.log ?? (() => undefined);
  const pollMs = options.pollMs ?? 200;
  const watchers = new Map<string, Set<(record: ApprovalRecord) => void>>();
  let poller: NodeJS.Timeout | undefined;
  let waiting = 0;

  function poll(): void {
    let settled: ApprovalRecord[];
    try {
      settled = store.settled([...watchers.keys()]);
    } catch (error) {
      log(`approvals could not be read: ${(error as Error).message}`);
      return;
    }
    for (const record of settled) for (const fn of [...(watchers.get(record.id) ?? [])]) fn(record);
  }

  function watch(id: string, fn: (record: ApprovalRecord) => void): () => void {
    let set = watchers.get(id);
    if (!set) watchers.set(id, (set = new Set()));
    set.add(fn);
    if (!poller) {
      poller = setInterval(poll, pollMs);
      poller.unref();
    }
    return () => {
      set!.delete(fn);
      if (set!.size === 0) watchers.delete(id);
      if (watchers.size === 0 && poller) {
        clearInterval(poller);
        poller = undefined;
      }
    };
  }

  function waitFor(record: ApprovalRecord, call: GuardedCall, decision: Decision): Promise<Settled> {
    const { timeoutMs, elicit } = options.settings();
    return new Promise<Settled>((resolve) => {
      const elicitation = new AbortController();
      let finished = false;
      const done = (value: Settled) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        unwatch();
        call.context.signal.removeEventListener('abort', onAbort);
        elicitation.abort(new Error('answered elsewhere'));
        resolve(value);
      };
      const onAbort = () => done('cancelled');
      const timer = setTimeout(() => done('timeout'), Math.max(0, Math.min(timeoutMs, record.expiresAt - Date.now())));
      const unwatch = watch(record.id, done);
      if (call.context.signal.aborted) return done('cancelled');
      call.context.signal.addEventListener('abort', onAbort, { once: true });
      if (!elicit || !canElicitForm(call.context.clientCapabilities)) return;
      call.context
        .request('elicitation/create', elicitationParams(record, { offerAlways: decision.fromDefault, origin: decision.origin }), { signal: elicitation.signal })
        .then(
          (result) => {
            if (finished) return;
            const now = store.answer(record.id, answerOf(result, call.client));
            if (now && now.status !== 'pending') done(now);
          },
          (error: unknown) => {
            // The client could not ask (no form support after all, a closed stream): the queue stays.
            if (!finished) log(`approval ${record.id}: the client could not be asked (${error instanceof Error ? error.message : String(error)}); waiting for \`patchbay approvals\``);
          },
        );
    });
  }

  function refusal(record: ApprovalRecord | undefined, call: GuardedCall, decision: Decision, reason: 'denied' | 'timeout' | 'cancelled', message: string) {
    call.notes.outcome = reason === 'denied' ? 'denied' : reason;
    return policyError(message, { reason, decision: 'ask', rule: decision.rule, ...(decision.origin ? { origin: decision.origin } : {}), ...(record ? { approvalId: record.id } : {}), client: call.client, server: call.server, tool: call.name });
  }

  /** Uses an allowed approval for this call; false when another call used it first. */
  async function use(record: ApprovalRecord, call: GuardedCall, policyVersion: string): Promise<boolean> {
    if (!store.consume(record.id)) return false;
    call.notes.approvalId = record.id;
    if (record.scope === 'session') grants.add(call.context, call.server, call.name, policyVersion);
    if (record.scope === 'always') {
      await options.alwaysAllow(call.server, call.name).catch((error: unknown) => log(`approval ${record.id}: the allow rule could not be written: ${error instanceof Error ? error.message : String(error)}`));
    }
    return true;
  }

  function recordAnswer(record: ApprovalRecord): void {
    audit.record({ time: Date.now(), kind: 'approval', client: record.client, server: record.server, tool: record.tool, decision: 'ask', rule: record.rule, approvalId: record.id, argsDigest: record.argsDigest, outcome: record.status, detail: `${record.status}${record.scope ? ` (${record.scope})` : ''} by ${record.answeredBy ?? 'nobody'}` });
  }

  return {
    get waiting() {
      return waiting;
    },
    close() {
      if (poller) clearInterval(poller);
      poller = undefined;
      watchers.clear();
    },
    async ask(call, decision, policyVersion) {
      const key: ApprovalKey = { client: call.client, server: call.server, tool: call.name, argsDigest: callDigest(call), policyVersion };
      for (let attempt = 0; attempt < 5; attempt++) {
        if (grants.has(call.context, call.server, call.name, policyVersion)) {
          call.notes.approval = 'session';
          return;
        }
        let record = store.findOpen(key);
        if (record?.status === 'denied') {
          call.notes.approvalId = record.id;
          throw refusal(record, call, decision, 'denied', `Denied: approval ${record.id} for ${call.exposedName} was answered "deny" by ${record.answeredBy ?? 'a person'}; the same call is refused until ${clock(record.expiresAt)}.`);
        }
        if (record?.status === 'allowed') {
          if (await use(record, call, policyVersion)) return;
          continue;
        }
        if (!record) {
          record = store.create({ ...key, exposedName: call.exposedName, rule: decision.rule, argsPreview: argsPreview(call.arguments), keepMs: options.settings().keepMs });
          audit.record({ time: Date.now(), kind: 'approval', client: call.client, server: call.server, tool: call.name, decision: 'ask', rule: decision.rule, approvalId: record.id, argsDigest: key.argsDigest, outcome: 'asked' });
        }
        call.notes.approvalId = record.id;
        waiting++;
        let settled: Settled;
        try {
          settled = await waitFor(record, call, decision);
        } finally {
          waiting--;
        }
        if (settled === 'cancelled') throw refusal(record, call, decision, 'cancelled', `The call was cancelled while approval ${record.id} waited for an answer.`);
        if (settled === 'timeout' || settled.status === 'expired' || settled.status === 'pending') {
          const { timeoutMs } = options.settings();
          audit.record({ time: Date.now(), kind: 'approval', client: call.client, server: call.server, tool: call.name, decision: 'ask', rule: decision.rule, approvalId: record.id, argsDigest: key.argsDigest, outcome: 'timeout' });
          const open = record.expiresAt > Date.now() + 1000;
          throw refusal(record, call, decision, 'timeout', `Denied: nobody answered approval ${record.id} for ${call.exposedName} (client "${call.client}") within ${Math.round(timeoutMs / 1000)} s.${open ? ` It stays open until ${clock(record.expiresAt)}: \`patchbay approvals allow ${record.id}\`, then retry the same call.` : ''}`);
        }
        recordAnswer(settled);
        if (settled.status === 'denied') {
          throw refusal(settled, call, decision, 'denied', `Denied: approval ${settled.id} for ${call.exposedName} was answered "deny" by ${settled.answeredBy ?? 'a person'}.`);
        }
        if (await use(settled, call, policyVersion)) return;
      }
      throw refusal(undefined, call, decision, 'denied', `Denied: ${call.exposedName} was asked about repeatedly and every approval was used by another call.`);
    },
  };
}
