/**
 * What `doctor` says about the sandbox: whether one can run here (and what to install when not),
 * and, for each stdio server that runs with the user's full rights because its entry says
 * nothing about a sandbox (entries from before the default of src/cli/mcp/sandbox-default.ts, or
 * written by a host), one line with the command that confines it. An entry with `"sandbox": false` made
 * its choice and gets no advice; Claude Desktop's entries are not run by Patchbay, and Patchbay's
 * own model-using servers run inside the hub (src/servers/in-process.ts), not as a process.
 */
import type { ScopedServer } from '../config/types.js';
import { isStdioEntry } from '../config/types.js';
import { sandboxDecided } from '../sandbox/options.js';
import { checkSandboxSupport, type SandboxSupport } from '../sandbox/support.js';
import { inProcessBuiltin } from '../servers/in-process.js';

export function sandboxSupport(env?: NodeJS.ProcessEnv): Promise<SandboxSupport> {
  return checkSandboxSupport(env ?? process.env);
}

export function sandboxSuggestions(servers: readonly ScopedServer[]): string[] {
  return servers
    .filter((s) => s.scope !== 'claude-desktop' && isStdioEntry(s.entry) && !s.entry.patchbay?.disabled && s.approval !== 'rejected' && !sandboxDecided(s.entry) && !inProcessBuiltin(s.entry))
    .map((s) => `${s.name} runs unconfined, with your full rights: \`patchbay mcp sandbox ${s.name} -s ${s.scope}\` confines it when Patchbay runs it, without changing ${s.file} (project writable, no network; add --allow-host HOST for what it must reach, or --off to keep it unconfined and silence this)`);
}
