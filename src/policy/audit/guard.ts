/**
 * The audit guard: first in the hub's guard list (src/gateway/guards.ts), so its `before` sees
 * the arguments as the client sent them and its `after` runs last, when every other guard has
 * left its notes, including after a refusal by a later guard. One `call` event per tools/call
 * and prompts/get, and one `list_changed` event when a server's definitions change.
 *
 * Notes it reads (each guard documents what it writes): `decision`, `rule`, `approvalId`,
 * `argsDigest`, `outcome` (a guard that refused says why: denied, timeout, quarantined,
 * blocked…) and `detail`. Nothing here may throw or wait: `after` only queues a row.
 */
import type { CallGuard, CallOutcome, GuardedCall } from '../../hub/guard.js';
import type { ServerLists } from '../../hub/catalog.js';
import { redactJson } from '../../secrets/redact/index.js';
import { argsDigest } from '../args-digest.js';
import type { AuditEvent, AuditSink } from '../audit-sink.js';
import type { DigestingAuditSink } from './store.js';

export interface AuditGuardOptions {
  sink: AuditSink;
  /** Record the arguments themselves (redacted), not only their digest. Off by default. */
  recordArguments?: boolean;
}

export interface AuditGuard extends CallGuard {
  /** Calls between `before` and `after` right now. */
  readonly inFlight: number;
  /** Resolves once no call is in flight (or after `timeoutMs`), so shutdown loses no event. */
  drain(timeoutMs?: number): Promise<void>;
}

/** Bytes of the text and binary content of a result, without serialising it again. */
export function resultBytes(result: unknown): number | undefined {
  if (result === null || typeof result !== 'object') return undefined;
  const r = result as { content?: unknown; structuredContent?: unknown; messages?: unknown };
  let bytes = 0;
  const items = Array.isArray(r.content) ? r.content : Array.isArray(r.messages) ? (r.messages as { content?: unknown }[]).map((m) => m.content) : [];
  for (const item of items) {
    if (item === null || typeof item !== 'object') continue;
    const c = item as { text?: unknown; data?: unknown; resource?: { text?: unknown; blob?: unknown } };
    if (typeof c.text === 'string') bytes += Buffer.byteLength(c.text);
    if (typeof c.data === 'string') bytes += Math.floor((c.data.length * 3) / 4);
    if (typeof c.resource?.text === 'string') bytes += Buffer.byteLength(c.resource.text);
    if (typeof c.resource?.blob === 'string') bytes += Math.floor((c.resource.blob.length * 3) / 4);
  }
  if (r.structuredContent !== undefined) bytes += Buffer.byteLength(JSON.stringify(r.structuredContent) ?? '');
  return bytes;
}

function outcomeOf(call: GuardedCall, outcome: CallOutcome): string {
  if (typeof call.notes.outcome === 'string') return call.notes.outcome;
  if (outcome.error !== undefined) return call.context.signal.aborted ? 'cancelled' : 'error';
  return (outcome.result as { isError?: unknown } | undefined)?.isError === true ? 'tool_error' : 'ok';
}

function clip(text: string, max = 500): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

type Definitions = Map<string, string>;
const KINDS = ['tools', 'prompts', 'templates'] as const;

function definitionsOf(lists: ServerLists): Record<(typeof KINDS)[number], Definitions> {
  const of = (items: readonly Record<string, unknown>[], key: string) => new Map(items.map((item) => [String(item[key]), JSON.stringify(item)]));
  return { tools: of(lists.tools, 'name'), prompts: of(lists.prompts, 'name'), templates: of(lists.templates, 'uriTemplate') };
}

function describeChange(before: Definitions | undefined, after: Definitions): string | undefined {
  if (before === undefined) return after.size === 0 ? undefined : `${after.size} first seen`;
  const added = [...after.keys()].filter((k) => !before.has(k));
  const removed = [...before.keys()].filter((k) => !after.has(k));
  const changed = [...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k));
  const parts = [added.length ? `+${added.join(', +')}` : '', removed.length ? `-${removed.join(', -')}` : '', changed.length ? `~${changed.join(', ~')}` : ''].filter(Boolean);
  return parts.length ? parts.join(' ') : undefined;
}

export function createAuditGuard(options: AuditGuardOptions): AuditGuard {
  const { sink } = options;
  const digesting = 'recordWithArguments' in sink ? (sink as DigestingAuditSink) : undefined;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const seen = new Map<string, ReturnType<typeof definitionsOf>>();

  return {
    name: 'audit',
    get inFlight() {
      return inFlight;
    },
    drain(timeoutMs = 5_000) {
      if (inFlight === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        timer.unref();
        drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    },
    before: function auditBefore(call) {
      inFlight++;
      // The arguments as the client sent them (a later guard may replace call.arguments);
      // their digest is taken after the call, on the store's writer thread.
      call.notes.auditArguments = call.arguments;
      if (options.recordArguments) {
        try {
          call.notes.auditArgs = clip(JSON.stringify(redactJson(call.arguments)), 8_000);
        } catch {
          // Arguments that cannot be shown must not refuse the call.
        }
      }
    },
    after: function auditAfter(call, outcome) {
      inFlight--;
      try {
        const notes = call.notes;
        const error = outcome.error;
        const event: AuditEvent = {
          time: call.startedAt,
          kind: 'call',
          client: call.client,
          server: call.server,
          tool: call.name,
          durationMs: outcome.durationMs,
          outcome: outcomeOf(call, outcome),
        };
        if (notes.decision === 'allow' || notes.decision === 'ask' || notes.decision === 'deny') event.decision = notes.decision;
        if (typeof notes.rule === 'string') event.rule = notes.rule;
        if (typeof notes.approvalId === 'string') event.approvalId = notes.approvalId;
        else if (notes.approval === 'session') event.approvalId = 'session';
        if (typeof notes.argsDigest === 'string') event.argsDigest = notes.argsDigest;
        if (typeof notes.auditArgs === 'string') event.args = notes.auditArgs;
        const bytes = error === undefined ? resultBytes(outcome.result) : undefined;
        if (bytes !== undefined) event.resultBytes = bytes;
        if (error !== undefined) event.detail = clip(error instanceof Error ? error.message : String((error as { message?: unknown })?.message ?? error));
        else if (typeof notes.detail === 'string') event.detail = clip(notes.detail);
        if (event.argsDigest !== undefined) sink.record(event);
        else if (digesting) digesting.recordWithArguments(event, JSON.stringify(notes.auditArguments ?? call.arguments));
        else sink.record({ ...event, argsDigest: argsDigest(notes.auditArguments ?? call.arguments) });
      } catch {
        // Bookkeeping must never cost the caller its result.
      }
      if (inFlight === 0 && drained) {
        const resolve = drained;
        drained = undefined;
        resolve();
      }
      return undefined;
    },
    observeLists(server, lists) {
      const next = definitionsOf(lists);
      const previous = seen.get(server);
      seen.set(server, next);
      const parts: string[] = [];
      for (const kind of KINDS) {
        const change = describeChange(previous?.[kind], next[kind]);
        if (change) parts.push(`${kind}: ${change}`);
      }
      if (parts.length > 0) sink.record({ time: Date.now(), kind: 'list_changed', server, outcome: previous ? 'changed' : 'listed', detail: clip(parts.join('; '), 2_000) });
    },
  };
}
