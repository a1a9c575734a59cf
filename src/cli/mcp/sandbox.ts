/**
 * `patchbay mcp sandbox <name> [-s scope] [--allow-host HOST]... [--off]`: turns the sandbox on
 * (or, with --off, records "unconfined, on purpose") for an entry that is already configured,
 * without touching the host's file — the setting goes where `mcp add` puts its default
 * (./sandbox-default.ts). This is the command `doctor` suggests for unconfined servers.
 */
import { PatchbayError } from '../../errors.js';
import { loadRegistry } from '../../config/registry.js';
import { entrySettingsKey, updateServerSettings } from '../../config/server-settings.js';
import { isScope } from '../../config/scopes.js';
import { isStdioEntry } from '../../config/types.js';
import { parseScope } from './add-args.js';
import { write } from './format.js';
import { chooseSandbox, sandboxNote } from './sandbox-default.js';

export interface SandboxCommandOptions {
  scope?: string;
  allowHost?: string[];
  off?: boolean;
  cwd?: string;
}

export async function runSandbox(name: string, options: SandboxCommandOptions): Promise<void> {
  const scope = options.scope === undefined ? undefined : parseScope(options.scope);
  const registry = await loadRegistry({ cwd: options.cwd ?? process.cwd() });
  const all = registry.servers.filter((s) => s.name === name && isScope(s.scope));
  const found = scope === undefined ? all : all.filter((s) => s.scope === scope);
  if (found.length === 0) {
    throw new PatchbayError('SERVER_NOT_FOUND', `no MCP server "${name}"${scope ? ` in ${scope} config` : ' in local, project, user or patchbay config'}`, {
      hint: all.length > 0 ? `It is in: ${all.map((s) => `-s ${s.scope}`).join(', ')}` : 'patchbay mcp list shows the configured servers.',
    });
  }
  if (found.length > 1) {
    throw new PatchbayError('SERVER_AMBIGUOUS', `MCP server "${name}" exists in several scopes: ${found.map((s) => s.scope).join(', ')}`, {
      hint: `Say which one: ${found.map((s) => `patchbay mcp sandbox ${name} -s ${s.scope}`).join('  |  ')}`,
    });
  }
  const server = found[0]!;
  if (!isStdioEntry(server.entry)) {
    throw new PatchbayError('USAGE', `"${name}" is an ${server.entry.type} server: it runs elsewhere, so there is nothing here to sandbox`);
  }
  const option = chooseSandbox(name, server.entry, { sandbox: !options.off, allowHost: options.allowHost ?? [] })!;
  await updateServerSettings(entrySettingsKey(name, server.scope, registry.projectRoot), { sandbox: option });
  for (const line of await sandboxNote(name, server.entry, server.scope, option, server.file, '--off')) write(line);
}
