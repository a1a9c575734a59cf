/**
 * The policy as a CallGuard (src/hub/guard.ts): tools and prompts that are denied to a client
 * whatever the arguments are left out of its lists; every tools/call and prompts/get is decided
 * (deny → ask → allow, compile.ts) and refused with a JSON-RPC error that names the rule, held
 * for a person's answer (approvals/ask.ts), or let through.
 *
 * Notes it leaves on the call for the audit guard: `decision`, `rule`, `policyVersion`,
 * `approvalId`, `approval` ("session" when a session grant let it through) and `outcome`
 * (denied, timeout, cancelled) when it refused.
 */
import type { CallGuard, GuardedCall, GuardedItem } from '../hub/guard.js';
import type { Asker } from './approvals/ask.js';
import type { AuditSink } from './audit-sink.js';
import { policyError } from './errors.js';
import type { CompiledPolicy, Decision } from './rules/compile.js';
import type { PolicyHolder } from './rules/holder.js';

export interface PolicyGuardOptions {
  holder: PolicyHolder;
  asker: Asker;
  audit: AuditSink;
}

export function denialMessage(decision: Decision, policy: CompiledPolicy, call: Pick<GuardedCall, 'client' | 'exposedName'>): string {
  if (policy.fatal !== undefined) return `Denied: Patchbay's permissions are invalid, so every tool call is refused until they are fixed (\`patchbay doctor\` shows where): ${policy.fatal}`;
  if (decision.fromDefault) return `Denied by Patchbay's policy: ${decision.rule} is "deny" and no rule allows ${call.exposedName} for client "${call.client}".`;
  return `Denied by Patchbay's policy: deny rule "${decision.rule}"${decision.origin ? ` in ${decision.origin}` : ''} matches ${call.exposedName} for client "${call.client}".`;
}

export function createPolicyGuard(options: PolicyGuardOptions): CallGuard {
  const { holder, asker, audit } = options;
  /** Hidden items already recorded, so a client listing tools in a loop does not flood the log. */
  const recordedHidden = new Set<string>();

  function noteHidden(client: string, item: GuardedItem, decision: Decision, version: string): void {
    const key = `${version}\u0000${client}\u0000${item.server}\u0000${item.upstream}`;
    if (recordedHidden.has(key)) return;
    if (recordedHidden.size >= 10_000) recordedHidden.clear();
    recordedHidden.add(key);
    audit.record({ time: Date.now(), kind: 'decision', client, server: item.server, tool: item.upstream, decision: 'deny', rule: decision.rule, outcome: 'hidden', detail: `left out of the list for client "${client}"` });
  }

  return {
    name: 'policy',
    filter: function policyFilter(client, kind, items) {
      if (kind !== 'tools' && kind !== 'prompts') return items;
      const policy = holder.current();
      let kept: GuardedItem[] | undefined;
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        const denied = policy.alwaysDenied(client, item.server, item.upstream);
        if (denied) {
          kept ??= items.slice(0, i);
          noteHidden(client, item, denied, policy.version);
        } else if (kept) {
          kept.push(item);
        }
      }
      return kept ?? items;
    },
    before: function policyBefore(call) {
      const policy = holder.current();
      const decision = policy.decide(call.client, call.server, call.name, call.arguments);
      call.notes.decision = decision.mode;
      call.notes.rule = decision.rule;
      call.notes.policyVersion = policy.version;
      if (decision.mode === 'allow') return;
      if (decision.mode === 'deny') {
        call.notes.outcome = 'denied';
        throw policyError(denialMessage(decision, policy, call), {
          reason: policy.fatal !== undefined ? 'invalid' : 'denied',
          decision: 'deny',
          rule: decision.rule,
          ...(decision.origin ? { origin: decision.origin } : {}),
          client: call.client,
          server: call.server,
          tool: call.name,
        });
      }
      return asker.ask(call, decision, policy.version);
    },
  };
}
