/**
 * The guards a running hub uses (src/hub/guard.ts), assembled in one place for `patchbay up` and
 * `patchbay gateway --stdio`, so both commands enforce the same policy. The order is the order
 * of `before` (and the reverse of `after`):
 *
 *   audit    first in, last out: records each call with everything the others noted
 *   pins     refuses quarantined definitions (changed pins, scan findings)
 *   policy   allow / ask / deny, approvals
 *   secrets  blocks secrets in arguments, redacts them in results
 *
 * Each guard is built by the module that owns it; this file only wires them. Every guard gets
 * the same AuditSink (the SQLite audit store, or nothing when the user turned it off).
 */
import type { ScopedServer } from '../config/types.js';
import type { CallGuard } from '../hub/guard.js';
import { NO_AUDIT, type AuditSink } from '../policy/audit-sink.js';

export interface GuardContext {
  /** The project the hub serves (its git root). */
  projectRoot: string;
  servers: readonly ScopedServer[];
  env: NodeJS.ProcessEnv;
  /** Operator-facing lines (stderr of `patchbay up`). */
  log: (line: string) => void;
}

export interface HubGuards {
  guards: CallGuard[];
  /** Where every guard records its events. */
  audit: AuditSink;
  /** Flushes and closes what the guards hold open (the audit log, stores). */
  close(): Promise<void>;
}

export async function createHubGuards(context: GuardContext): Promise<HubGuards> {
  const guards: CallGuard[] = [];
  const closers: (() => Promise<void> | void)[] = [];

  // audit
  const { readAuditSettings } = await import('../policy/audit/settings.js');
  const settings = await readAuditSettings(undefined, context.log);
  let audit: AuditSink = NO_AUDIT;
  let drain: (() => Promise<void>) | undefined;
  if (settings.enabled) {
    try {
      const { openAuditStore } = await import('../policy/audit/store.js');
      const { createAuditGuard } = await import('../policy/audit/guard.js');
      const store = openAuditStore(undefined, { retentionDays: settings.retentionDays, onError: (error) => context.log(`audit events are not being saved: ${error.message}`) });
      const guard = createAuditGuard({ sink: store, recordArguments: settings.recordArguments });
      audit = store;
      guards.push(guard);
      drain = () => guard.drain();
      closers.push(() => store.close());
    } catch (error) {
      context.log(`the audit log is off: ${(error as Error).message}`);
    }
  }

  // pins (src/policy/pins/) go here, with `audit`.

  // policy
  const { createPolicy } = await import('../policy/index.js');
  const policy = await createPolicy({ projectRoot: context.projectRoot, servers: context.servers.map((s) => s.name), audit, log: context.log });
  guards.push(policy.guard);
  closers.push(() => policy.close());

  // secrets (src/secrets/) go here.

  return {
    guards,
    audit,
    async close() {
      await drain?.();
      for (const close of closers.reverse()) await close();
    },
  };
}
