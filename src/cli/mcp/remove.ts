/**
 * `patchbay mcp remove <name>`. Looks at the raw files, not just valid entries, so a broken
 * entry can be removed too. Removing from project scope leaves the approvals alone.
 */
import { PatchbayError } from '../../errors.js';
import { deleteClientSecrets } from '../../config/credentials.js';
import { findProjectRoot } from '../../config/locations.js';
import { entrySettingsKey, forgetServerSettings } from '../../config/server-settings.js';
import { loadJsonFile, valueAt } from '../../config/sources.js';
import { isJsonObject } from '../../config/store/json-file.js';
import { removeServer, scopeFile, scopePath, SCOPES } from '../../config/scopes.js';
import type { Scope } from '../../config/types.js';
import { parseScope } from './add-args.js';
import { write } from './format.js';

async function scopesHolding(name: string, projectRoot: string): Promise<Scope[]> {
  const found: Scope[] = [];
  for (const scope of SCOPES) {
    const loaded = await loadJsonFile(scopeFile(scope, projectRoot));
    const container = valueAt(loaded.data, scopePath(scope, projectRoot));
    if (isJsonObject(container) && Object.hasOwn(container, name)) found.push(scope);
  }
  return found;
}

export async function runRemove(name: string, options: { scope?: string; cwd?: string }): Promise<void> {
  const projectRoot = findProjectRoot(options.cwd ?? process.cwd());
  const holding = await scopesHolding(name, projectRoot);
  let scope: Scope;
  if (options.scope !== undefined) {
    scope = parseScope(options.scope);
    if (!holding.includes(scope)) {
      throw new PatchbayError('SERVER_NOT_FOUND', `no MCP server "${name}" in ${scope} config (${scopeFile(scope, projectRoot)})`, {
        hint: holding.length > 0 ? `It is in: ${holding.map((s) => `-s ${s}`).join(', ')}` : 'patchbay mcp list shows the configured servers.',
      });
    }
  } else if (holding.length === 0) {
    throw new PatchbayError('SERVER_NOT_FOUND', `no MCP server named "${name}" in local, project, user or patchbay config`, {
      hint: 'patchbay mcp list shows the configured servers.',
    });
  } else if (holding.length > 1) {
    throw new PatchbayError('SERVER_AMBIGUOUS', `MCP server "${name}" exists in several scopes: ${holding.join(', ')}`, {
      hint: `Say which one to remove: ${holding.map((s) => `patchbay mcp remove ${name} -s ${s}`).join('  |  ')}`,
    });
  } else {
    scope = holding[0]!;
  }
  await removeServer(scope, projectRoot, name);
  // The entry's own settings (its sandbox default) go with it; settings by name stay.
  await forgetServerSettings(entrySettingsKey(name, scope, projectRoot));
  write(`Removed MCP server ${name} from ${scope} config`);
  write(`File modified: ${scopeFile(scope, projectRoot)}`);
  if (holding.length === 1) await deleteClientSecrets(name);
}
