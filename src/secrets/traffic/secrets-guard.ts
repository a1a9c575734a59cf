/**
 * Secrets in tool traffic, as a CallGuard (src/hub/guard.ts): the rules of ../rules/ over every
 * tools/call and prompts/get — the arguments on the way up, the result on the way down — with
 * the user's stored secrets always among them, whatever they look like. What happens is the
 * policy's (policy.ts): arguments are blocked by default (a model must not hand a key to a
 * server), results redacted (a server must not hand one to a model). Each finding becomes an
 * audit event of kind `secret` with the rule id and the field, never the value, and is noted on
 * the call (`notes.secrets`) for the audit guard's record of it.
 *
 * On by default, so it must be cheap: text without an anchor of any rule costs a few `includes`
 * (bench/secrets/).
 */
import { HubRpcError } from '../../hub/types.js';
import type { CallGuard, CallOutcome, GuardedCall } from '../../hub/guard.js';
import type { ScopedServer } from '../../config/types.js';
import { NO_AUDIT, type AuditSink } from '../../policy/audit-sink.js';
import { knownSecrets, type KnownSecrets } from '../rules/scanner.js';
import type { SecretStore } from '../store/secret-store.js';
import { effectivePolicy, type EffectivePolicy, type SecretAction, type SecretsPolicy } from './policy.js';
import { marker, scanJson, type TrafficFinding } from './scan-json.js';

/** JSON-RPC error code of a refused call (the implementation-defined server error range). */
export const SECRET_IN_ARGUMENTS = -32013;

export interface SecretsGuardOptions {
  servers: readonly ScopedServer[];
  /** config.json's `servers.<name>.secrets`, by server name. */
  overlay?: Readonly<Record<string, SecretsPolicy | undefined>>;
  /** Whose values are always caught; read at start and every `refreshMs`. */
  store?: SecretStore;
  /** Extra values to catch (tests, or values known another way). */
  knownValues?: readonly string[];
  refreshMs?: number;
  audit?: AuditSink;
  /** Operator-facing lines (stderr of `patchbay up`): a store that cannot be read, say. */
  log?: (line: string) => void;
}

export interface SecretsGuard extends CallGuard {
  /** Re-reads the stored secrets now (after `patchbay secrets set`, say). */
  refresh(): Promise<void>;
  close(): void;
}

export async function createSecretsGuard(options: SecretsGuardOptions): Promise<SecretsGuard> {
  const audit = options.audit ?? NO_AUDIT;
  const byName = new Map(options.servers.map((s) => [s.name, s]));
  const policies = new Map<string, EffectivePolicy>();
  let known: readonly KnownSecrets[] = [knownSecrets(options.knownValues ?? [])];

  function policyFor(server: string, tool: string): EffectivePolicy {
    const key = `${server}\u0000${tool}`;
    let policy = policies.get(key);
    if (!policy) {
      const scoped = byName.get(server);
      policy = effectivePolicy(tool, {
        entry: scoped?.entry.patchbay?.secrets,
        entryIsProject: scoped?.scope === 'project',
        config: options.overlay?.[server],
      });
      policies.set(key, policy);
    }
    return policy;
  }

  async function refresh(): Promise<void> {
    if (!options.store) return;
    try {
      const values = await options.store.values();
      known = [knownSecrets([...values.values(), ...(options.knownValues ?? [])])];
    } catch (error) {
      options.log?.(`secrets guard: cannot read the secret store (${error instanceof Error ? error.message : String(error)}); stored secrets are not caught by value until it can`);
    }
  }
  await refresh();
  const timer = options.store ? setInterval(() => void refresh(), options.refreshMs ?? 30_000) : undefined;
  timer?.unref();

  function record(call: GuardedCall, findings: readonly TrafficFinding[], direction: 'arguments' | 'result', action: SecretAction): void {
    const outcome = action === 'block' ? 'blocked' : action === 'redact' ? 'redacted' : 'logged';
    const noted = (call.notes.secrets as unknown[] | undefined) ?? [];
    for (const finding of findings) {
      noted.push({ direction, rule: finding.ruleId, field: finding.path, action: outcome });
      audit.record({ time: Date.now(), kind: 'secret', client: call.client, server: call.server, tool: call.name, rule: finding.ruleId, outcome, detail: `${direction}: ${finding.path}` });
    }
    call.notes.secrets = noted;
  }

  function rulesOf(findings: readonly TrafficFinding[]): string {
    return [...new Set(findings.map((f) => f.ruleId))].join(', ');
  }

  return {
    name: 'secrets',
    refresh,
    close: () => {
      if (timer) clearInterval(timer);
    },
    before(call) {
      const policy = policyFor(call.server, call.name);
      const scan = scanJson(call.arguments, 'arguments', { known, allow: policy.allow, redact: policy.arguments === 'redact' });
      if (scan.findings.length === 0) return;
      record(call, scan.findings, 'arguments', policy.arguments);
      if (policy.arguments === 'block') {
        const fields = [...new Set(scan.findings.map((f) => f.path))].join(', ');
        throw new HubRpcError(
          SECRET_IN_ARGUMENTS,
          `Patchbay refused this call to ${call.exposedName}: its arguments hold a secret (rule ${rulesOf(scan.findings)}, in ${fields}). Secrets are not sent to tools; if this is a false positive, allow the rule for this tool in "patchbay": {"secrets": {"tools": {"${call.name}": {"allow": ["${scan.findings[0]!.ruleId}"]}}}} of server "${call.server}".`,
          { server: call.server, rules: [...new Set(scan.findings.map((f) => f.ruleId))] },
        );
      }
      if (policy.arguments === 'redact') call.arguments = scan.value as Record<string, unknown>;
    },
    after(call, outcome: CallOutcome) {
      if (outcome.error !== undefined || outcome.result === undefined) return undefined;
      const policy = policyFor(call.server, call.name);
      const scan = scanJson(outcome.result, 'result', { known, allow: policy.allow, redact: policy.results === 'redact' });
      if (scan.findings.length === 0) return undefined;
      record(call, scan.findings, 'result', policy.results);
      if (policy.results === 'redact') return scan.value;
      if (policy.results === 'block') {
        const text = `Patchbay withheld the result of ${call.exposedName}: it held a secret (rule ${rulesOf(scan.findings)}). ${marker(scan.findings[0]!.ruleId)}`;
        return call.method === 'prompts/get'
          ? { messages: [{ role: 'user', content: { type: 'text', text } }] }
          : { content: [{ type: 'text', text }], isError: true };
      }
      return undefined;
    },
  };
}
