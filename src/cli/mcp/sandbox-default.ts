/**
 * The sandbox default for stdio servers that Patchbay's own commands add (`mcp add`, `add-json`,
 * `add-from-claude-desktop`): confined when Patchbay's hub runs them, the project writable and
 * no network, unless `--no-sandbox` or `--allow-host HOST` says otherwise.
 *
 * The setting never goes into the host's file (`mcp add` writes exactly what `claude mcp add`
 * writes): it is kept in config.json's `servers` overlay under the key of that one entry
 * (entrySettingsKey), so another project's entry of the same name, and every entry that was
 * there before, is left as it is (`doctor` suggests `patchbay mcp sandbox` for those).
 *
 * Remote (http/sse) entries get nothing: they run elsewhere. A host that reads its own files
 * (Claude Code, for local, project and user scope) starts the server itself, unconfined; the
 * note says so, and how to have it reached through Patchbay instead.
 */
import { PatchbayError } from '../../errors.js';
import { patchbayConfigPath } from '../../config/patchbay-config.js';
import { entrySettingsKey, readServerSettings, updateServerSettings } from '../../config/server-settings.js';
import type { ServerEntry, SourceKind } from '../../config/types.js';
import { isStdioEntry } from '../../config/types.js';
import { HostRuleError, parseHostRule } from '../../sandbox/host-rules.js';
import type { SandboxOption } from '../../sandbox/options.js';
import { checkSandboxSupport } from '../../sandbox/support.js';
import { inProcessBuiltin } from '../../servers/in-process.js';

export interface SandboxFlags {
  /** true: --sandbox, false: --no-sandbox, undefined: neither (the default applies). */
  sandbox?: boolean;
  allowHost?: string[];
}

/** Package runners that download the server at its first start, and the hosts they need. */
const DOWNLOADERS: Record<string, string> = { npx: 'registry.npmjs.org', bunx: 'registry.npmjs.org', uvx: 'pypi.org --allow-host files.pythonhosted.org' };

/**
 * What to record for a new entry: a sandbox option, or undefined for nothing (a remote entry,
 * or a JSON entry that already says what it wants and no flag overrides it).
 */
export function chooseSandbox(name: string, entry: ServerEntry, flags: SandboxFlags): SandboxOption | undefined {
  const hosts = flags.allowHost ?? [];
  if (!isStdioEntry(entry)) {
    if (flags.sandbox === true || hosts.length > 0) {
      throw new PatchbayError('USAGE', `--sandbox and --allow-host apply to stdio servers, but "${name}" is an ${entry.type} server (it runs elsewhere, not on this machine)`, {
        hint: 'Leave them out for a remote server.',
      });
    }
    return undefined;
  }
  if (flags.sandbox === false) {
    if (hosts.length > 0) throw new PatchbayError('USAGE', `--allow-host is for a sandboxed server, but --no-sandbox was given for "${name}"`, { hint: 'Pass one or the other.' });
    return false;
  }
  for (const host of hosts) {
    try {
      parseHostRule(host);
    } catch (error) {
      if (!(error instanceof HostRuleError)) throw error;
      throw new PatchbayError('USAGE', `--allow-host "${host}" ${error.message}`, { hint: 'For example: --allow-host api.github.com --allow-host "*.example.com" --allow-host 127.0.0.1:8080' });
    }
  }
  if (flags.sandbox === undefined && hosts.length === 0 && entry.patchbay?.sandbox !== undefined) return undefined;
  // Patchbay's own model-using servers run inside the hub: there is no process to confine.
  if (flags.sandbox === undefined && hosts.length === 0 && inProcessBuiltin(entry)) return undefined;
  return hosts.length > 0 ? { network: { allow: [...new Set(hosts)] } } : true;
}

/**
 * Records `option` for the entry `name` in `scope`, then runs `write` (the host-file edit). When
 * `write` fails, the previous setting is put back, so a refused add changes nothing.
 */
export async function withSandboxRecorded<T>(name: string, scope: SourceKind, projectRoot: string, option: SandboxOption | undefined, write: () => Promise<T>): Promise<T> {
  if (option === undefined) return write();
  const key = entrySettingsKey(name, scope, projectRoot);
  const before = (await readServerSettings()).settings[key]?.sandbox;
  await updateServerSettings(key, { sandbox: option });
  try {
    return await write();
  } catch (error) {
    await updateServerSettings(key, { sandbox: before }).catch(() => undefined);
    throw error;
  }
}

/** Records the option after the entry was written under `name` (imports, which may rename). */
export async function recordSandbox(name: string, scope: SourceKind, projectRoot: string, option: SandboxOption): Promise<void> {
  try {
    await updateServerSettings(entrySettingsKey(name, scope, projectRoot), { sandbox: option });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new PatchbayError('CONFIG_INVALID', `"${name}" was added, but its sandbox setting could not be recorded: ${message}`, {
      hint: `Fix the file, then run \`patchbay mcp sandbox ${name} -s ${scope}\` before Patchbay runs it.`,
      cause: error,
    });
  }
}

function describe(option: SandboxOption): string {
  const allow = typeof option === 'object' && option.network !== undefined && option.network !== 'none' ? option.network.allow : [];
  return `the project directory is the only place it can write, and it ${allow.length > 0 ? `can reach only ${allow.join(', ')}` : 'has no network'}`;
}

/**
 * What the user is told about the choice: one line on what it means and how to opt out, plus
 * a line each only where it matters (the host starts it itself; no sandbox can run here; a
 * downloader that needs the network).
 */
export async function sandboxNote(name: string, entry: ServerEntry, scope: SourceKind, option: SandboxOption | undefined, file: string, optOut = '--no-sandbox', label = `"${name}"`): Promise<string[]> {
  if (option === undefined && isStdioEntry(entry) && inProcessBuiltin(entry)) {
    return [`In-process: under \`patchbay up\` the hub runs ${label} inside its own process on its own proxy, so there is no process to sandbox and no token to store (--sandbox makes it a confined child instead).`];
  }
  if (option === undefined || !isStdioEntry(entry)) return [];
  if (option === false) return [`Sandbox: off for ${label} (${optOut}): when Patchbay runs it, it runs with your full rights; \`patchbay mcp sandbox ${name} -s ${scope}\` confines it later.`];
  const lines = [
    `Sandbox: when Patchbay runs ${label}, ${describe(option)} (--allow-host HOST to let it reach a host, ${optOut} to opt out; kept in ${patchbayConfigPath()}, not in ${file}).`,
  ];
  const needs = DOWNLOADERS[entry.command.split('/').pop() ?? ''];
  const allowed = typeof option === 'object' && option.network !== undefined && option.network !== 'none';
  if (needs && !allowed) lines.push(`  ${entry.command} downloads the server at its first start, which needs the network: run it again with --allow-host ${needs}.`);
  if (scope === 'local' || scope === 'project' || scope === 'user') {
    lines.push(`  Claude Code starts the servers in ${file} itself, unconfined; to have it reach ${label} sandboxed, through Patchbay's gateway, add it with -s patchbay (and \`patchbay connect claude-code\`).`);
  }
  const support = await checkSandboxSupport();
  if (!support.ok) lines.push(`  No sandbox can run here (${support.reason}), so Patchbay will not start ${label} until one can (never unconfined): \`patchbay doctor\` says what to install, or ${optOut}.`);
  return lines;
}
