/**
 * The policy part of the hub, put together: the rules (rules/), the person in the loop
 * (approvals/) and the guard that applies both to every call (policy-guard.ts). See README.md.
 */
import { addAllowRule } from './always-allow.js';
import { createAsker, type Asker } from './approvals/ask.js';
import { createSessionGrants } from './approvals/grants.js';
import { openApprovalStore, type ApprovalStore } from './approvals/store.js';
import type { AuditSink } from './audit-sink.js';
import { createPolicyGuard } from './policy-guard.js';
import { createPolicyHolder, type PolicyHolder } from './rules/holder.js';
import type { CallGuard } from '../hub/guard.js';

export interface PolicyOptions {
  projectRoot: string;
  servers: readonly string[];
  audit: AuditSink;
  log?: (line: string) => void;
  /** Patchbay's config.json (default: the user's). */
  configFile?: string;
  /** patchbay.db (default: the user's). */
  databaseFile?: string;
  /** How often waiting calls look for an answer in the queue (default 200 ms). */
  pollMs?: number;
  /** How often the rule files are checked for changes (default 500 ms). */
  recheckMs?: number;
}

export interface Policy {
  guard: CallGuard;
  holder: PolicyHolder;
  asker: Asker;
  approvals: ApprovalStore | undefined;
  close(): Promise<void>;
}

/** An approvals store that cannot be opened: every ask is refused with the reason. */
function unavailableStore(reason: string): ApprovalStore {
  const fail = () => {
    throw new Error(`approvals are unavailable (${reason}), so calls that need one are refused`);
  };
  return { create: fail, get: () => undefined, findOpen: () => undefined, answer: fail, consume: () => false, list: () => [], settled: () => [], purge: () => 0, close: () => undefined };
}

export async function createPolicy(options: PolicyOptions): Promise<Policy> {
  const log = options.log ?? (() => undefined);
  const holder = await createPolicyHolder({ projectRoot: options.projectRoot, servers: options.servers, configFile: options.configFile, recheckMs: options.recheckMs, log });
  let approvals: ApprovalStore | undefined;
  try {
    approvals = openApprovalStore(options.databaseFile);
    approvals.purge(Date.now() - 86_400_000);
  } catch (error) {
    log(`approvals are unavailable: ${(error as Error).message}`);
  }
  const asker = createAsker({
    store: approvals ?? unavailableStore('patchbay.db cannot be opened'),
    grants: createSessionGrants(),
    settings: () => holder.approvals,
    audit: options.audit,
    pollMs: options.pollMs,
    log,
    async alwaysAllow(server, tool) {
      const { rule, added } = await addAllowRule(server, tool, options.configFile);
      if (added) log(`"${rule}" added to permissions.allow (always allow)`);
      await holder.reload();
    },
  });
  return {
    guard: createPolicyGuard({ holder, asker, audit: options.audit }),
    holder,
    asker,
    approvals,
    async close() {
      asker.close();
      approvals?.close();
    },
  };
}
