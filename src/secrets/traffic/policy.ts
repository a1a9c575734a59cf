/**
 * What the traffic guard does with a secret it finds, per server and per tool. In an entry's
 * `patchbay.secrets`, or in config.json's `servers.<name>.secrets` (Patchbay's own file, which
 * wins over the entry):
 *
 *   "secrets": "log"                                   both directions, every tool
 *   "secrets": {
 *     "arguments": "block",                            block (default) | redact | log
 *     "results": "redact",                             redact (default) | block | log
 *     "allow": ["api-key-prefix"],                     rule ids not applied to this server
 *     "tools": { "fetch": { "results": "log", "allow": ["url-credentials"] }, "debug": "log" }
 *   }
 *
 * `block` on arguments refuses the call naming the rule; on results it withholds the result.
 * `redact` replaces each secret with `[REDACTED:rule-id]`. `log` lets it through and records it.
 * Every finding is an audit event (rule id and field, never the value).
 *
 * A project-scope entry (`.mcp.json`, written by whoever can push to the repository) can only
 * make its policy stricter: a weaker action there is ignored, and so is its allow list.
 */
import { z } from 'zod';

export type SecretAction = 'block' | 'redact' | 'log';

export interface ToolSecretsPolicy {
  arguments?: SecretAction;
  results?: SecretAction;
  allow?: string[];
}

export type SecretsPolicy = SecretAction | (ToolSecretsPolicy & { tools?: Record<string, SecretAction | ToolSecretsPolicy> });

const action = z.enum(['block', 'redact', 'log'], { error: 'must be "block", "redact" or "log"' });
const toolPolicy = z.strictObject(
  {
    arguments: action.optional(),
    results: action.optional(),
    allow: z.array(z.string(), { error: 'must be an array of rule ids' }).optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}; known: arguments, results, allow` : 'must be "block", "redact", "log" or an object') },
);

export const secretsPolicySchema: z.ZodType<SecretsPolicy> = z.union([
  action,
  toolPolicy.extend({ tools: z.record(z.string(), z.union([action, toolPolicy])).optional() }).strict(),
]) as unknown as z.ZodType<SecretsPolicy>;

export interface EffectivePolicy {
  arguments: SecretAction;
  results: SecretAction;
  /** Rule ids that do not apply. */
  allow: ReadonlySet<string>;
}

export const DEFAULT_POLICY: EffectivePolicy = { arguments: 'block', results: 'redact', allow: new Set() };

const STRENGTH: Record<SecretAction, number> = { log: 0, redact: 1, block: 2 };

function layer(base: EffectivePolicy, policy: SecretAction | ToolSecretsPolicy | undefined, onlyStricter: boolean): EffectivePolicy {
  if (policy === undefined) return base;
  const parts: ToolSecretsPolicy = typeof policy === 'string' ? { arguments: policy, results: policy } : policy;
  const pick = (current: SecretAction, wanted: SecretAction | undefined) =>
    wanted === undefined || (onlyStricter && STRENGTH[wanted] < STRENGTH[current]) ? current : wanted;
  return {
    arguments: pick(base.arguments, parts.arguments),
    results: pick(base.results, parts.results),
    allow: onlyStricter || !parts.allow ? base.allow : new Set([...base.allow, ...parts.allow]),
  };
}

/** The policy for one tool: defaults, then the entry's (only stricter for project scope), then config.json's; each with its per-tool part. */
export function effectivePolicy(tool: string, sources: { entry?: SecretsPolicy; entryIsProject?: boolean; config?: SecretsPolicy }): EffectivePolicy {
  let policy = DEFAULT_POLICY;
  for (const [source, onlyStricter] of [[sources.entry, sources.entryIsProject === true], [sources.config, false]] as const) {
    if (source === undefined) continue;
    policy = layer(policy, typeof source === 'string' ? source : { arguments: source.arguments, results: source.results, allow: source.allow }, onlyStricter);
    if (typeof source !== 'string') policy = layer(policy, source.tools?.[tool], onlyStricter);
  }
  return policy;
}

/** config.json's `servers.<name>.secrets`, validated; a bad one names its place in the file. */
export async function readSecretsOverlay(): Promise<Record<string, SecretsPolicy>> {
  const { readPatchbayConfigSection, patchbayConfigPath } = await import('../../config/patchbay-config.js');
  const { PatchbayError } = await import('../../errors.js');
  const servers = await readPatchbayConfigSection('servers');
  if (servers === undefined) return {};
  if (typeof servers !== 'object' || servers === null || Array.isArray(servers)) {
    throw new PatchbayError('CONFIG_INVALID', `${patchbayConfigPath()}: "servers" must be an object of server names`);
  }
  const out: Record<string, SecretsPolicy> = {};
  for (const [name, settings] of Object.entries(servers as Record<string, unknown>)) {
    const policy = (settings as { secrets?: unknown } | null)?.secrets;
    if (policy === undefined) continue;
    const parsed = secretsPolicySchema.safeParse(policy);
    if (!parsed.success) {
      throw new PatchbayError('CONFIG_INVALID', `${patchbayConfigPath()}: servers.${name}.secrets ${parsed.error.issues[0]?.message ?? 'is invalid'}`, {
        hint: 'Use "block", "redact" or "log", or {"arguments": …, "results": …, "allow": [rule ids], "tools": {…}}.',
      });
    }
    out[name] = parsed.data;
  }
  return out;
}
