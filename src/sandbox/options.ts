/**
 * The `sandbox` key of an entry's `patchbay` options, as written in a host file or (later) in
 * the `servers` overlay of Patchbay's config.json — one shape in both places, validated here:
 *
 *   "sandbox": true                       the project writable, no network
 *   "sandbox": false                      explicitly not sandboxed (doctor stops suggesting it)
 *   "sandbox": {
 *     "write": ["<project>", "/var/tmp/x", "~/notes"],   default ["<project>"]
 *     "network": "none"                                  default
 *              | { "allow": ["api.github.com", "*.example.com", "127.0.0.1:8080"] }
 *   }
 *
 * `<project>` is the directory the hub serves (its working directory); `~` is HOME; other
 * relative paths are taken from the project. Every path must exist.
 */
import { z } from 'zod';
import { HostRuleError, parseHostRule } from './host-rules.js';

export type SandboxNetworkOption = 'none' | { allow: string[] };

export interface SandboxSettings {
  write?: string[];
  network?: SandboxNetworkOption;
}

export type SandboxOption = boolean | SandboxSettings;

export const PROJECT_TOKEN = '<project>';

const hostPattern = z.string({ error: 'must be a host pattern like "api.github.com"' }).superRefine((value, ctx) => {
  try {
    parseHostRule(value);
  } catch (error) {
    if (error instanceof HostRuleError) ctx.addIssue({ code: 'custom', message: error.message });
    else throw error;
  }
});

const networkSchema = z.union(
  [
    z.literal('none'),
    z.strictObject(
      { allow: z.array(hostPattern, { error: 'must be an array of host patterns' }) },
      { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}; known: allow` : 'must be "none" or {"allow": [hosts]}') },
    ),
  ],
  { error: 'must be "none" or {"allow": ["api.github.com", ...]}' },
);

export const sandboxOptionSchema = z.union(
  [
    z.boolean(),
    z.strictObject(
      {
        write: z.array(z.string({ error: 'must be a path' }).min(1, 'must not be empty'), { error: 'must be an array of paths' }).optional(),
        network: networkSchema.optional(),
      },
      { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}; known: write, network` : 'must be true, false or {"write": [...], "network": ...}') },
    ),
  ],
  { error: 'must be true, false or {"write": [...], "network": "none" | {"allow": [...]}}' },
);

/** The entry's sandbox settings when it asks to be sandboxed, else undefined. */
export function sandboxSettingsOf(entry: { patchbay?: { sandbox?: SandboxOption } }): SandboxSettings | undefined {
  const option = entry.patchbay?.sandbox;
  if (option === undefined || option === false) return undefined;
  return option === true ? {} : option;
}

/** Whether the entry says anything about the sandbox (false counts: it is a decision). */
export function sandboxDecided(entry: { patchbay?: { sandbox?: SandboxOption } }): boolean {
  return entry.patchbay?.sandbox !== undefined;
}

/** One line for `up`, `mcp list` and `doctor`: "sandboxed (network: none)", or undefined when not sandboxed. */
export function sandboxLabel(entry: { patchbay?: { sandbox?: SandboxOption } }): string | undefined {
  const settings = sandboxSettingsOf(entry);
  if (!settings) return undefined;
  const network = settings.network === undefined || settings.network === 'none' || settings.network.allow.length === 0 ? 'none' : settings.network.allow.join(', ');
  const write = settings.write ?? [PROJECT_TOKEN];
  const writable = write.length === 1 && write[0] === PROJECT_TOKEN ? '' : `, write: ${write.length === 0 ? 'nothing' : write.join(', ')}`;
  return `sandboxed (network: ${network}${writable})`;
}
