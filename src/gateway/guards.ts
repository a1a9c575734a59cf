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
 * Each guard is built by the module that owns it; this file only wires them.
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
  /** Where audit events go (the policy work's SQLite sink); default none. */
  audit?: AuditSink;
  /** Where the pin store lives (default `<data>/patchbay.db`); tests point it elsewhere. */
  databaseFile?: string;
}

export interface HubGuards {
  guards: CallGuard[];
  /** Flushes and closes what the guards hold open (the audit log, stores). */
  close(): Promise<void>;
}

export async function createHubGuards(context: GuardContext): Promise<HubGuards> {
  const guards: CallGuard[] = [];
  const closers: (() => void | Promise<void>)[] = [];
  // The audit store (policy) replaces NO_AUDIT here once it exists: every guard gets the same sink.
  const audit: AuditSink = context.audit ?? NO_AUDIT;

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

  const secrets = await createTrafficSecretsGuard(context, audit);
  guards.push(secrets);
  closers.push(() => secrets.close());

  return {
    guards,
    async close() {
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
