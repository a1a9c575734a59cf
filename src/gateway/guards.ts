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
  /** Where audit events go instead of the SQLite audit store (tests that watch the events). */
  audit?: AuditSink;
  /** Where the pin store lives (default `<data>/patchbay.db`); tests point it elsewhere. */
  databaseFile?: string;
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
  let audit: AuditSink = context.audit ?? NO_AUDIT;
  let drain: (() => Promise<void>) | undefined;
  if (settings.enabled && context.audit === undefined) {
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

  // pins
  const { openPinStore } = await import('../policy/pins/store.js');
  const { createPinGuard } = await import('../policy/pins/guard.js');
  const pinStore = openPinStore(context.databaseFile);
  const { entrySecrets } = await import('../policy/scan/redact.js');
  const byName = new Map(context.servers.map((s) => [s.name, s]));
  const pins = createPinGuard({
    store: pinStore,
    servers: context.servers,
    projectRoot: context.projectRoot,
    audit,
    log: (line) => context.log(`pins: ${line}`),
    secretsOf: (name) => (byName.has(name) ? entrySecrets(byName.get(name)!, context.env) : []),
  });
  guards.push(pins);
  closers.push(() => pins.close(), () => pinStore.close());

  // policy
  const { createPolicy } = await import('../policy/index.js');
  const policy = await createPolicy({ projectRoot: context.projectRoot, servers: context.servers.map((s) => s.name), audit, log: context.log });
  guards.push(policy.guard);
  closers.push(() => policy.close());

  // secrets
  const secrets = await createTrafficSecretsGuard(context, audit);
  guards.push(secrets);
  closers.push(() => secrets.close());

  return {
    guards,
    audit,
    async close() {
      await drain?.();
      for (const close of closers.reverse()) await close();
    },
  };
}

/** Secret scanning of traffic, on by default (src/secrets/traffic/). */
async function createTrafficSecretsGuard(context: GuardContext, audit: AuditSink) {
  const [{ createSecretsGuard }, { readSecretsOverlay }, { openSecretStore }] = await Promise.all([
    import('../secrets/traffic/secrets-guard.js'),
    import('../secrets/traffic/policy.js'),
    import('../secrets/store/open-store.js'),
  ]);
  const store = await openSecretStore({ env: context.env }).catch((error: unknown) => {
    context.log(`secret store unavailable (${error instanceof Error ? error.message : String(error)}); stored secrets are not caught by value`);
    return undefined;
  });
  return createSecretsGuard({ servers: context.servers, overlay: await readSecretsOverlay(), store, audit, log: context.log });
}
