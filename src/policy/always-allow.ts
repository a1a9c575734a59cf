/**
 * "Always allow this tool": one `mcp__SERVER__TOOL` entry added to `permissions.allow` in
 * Patchbay's config.json, through the locked, atomic writer every config change uses, keeping
 * every other key. The hub's answer to an elicitation and `patchbay approvals allow ID --always`
 * both come here, so there is one way a rule gets written.
 */
import { updatePatchbayConfig } from '../config/patchbay-config.js';
import { isJsonObject } from '../config/store/json-file.js';
import { PatchbayError } from '../errors.js';

export function toolRule(server: string, tool: string): string {
  return `mcp__${server}__${tool}`;
}

/** Adds the rule unless it is there already; returns the rule and whether the file changed. */
export async function addAllowRule(server: string, tool: string, file?: string): Promise<{ rule: string; added: boolean }> {
  const rule = toolRule(server, tool);
  return updatePatchbayConfig<{ rule: string; added: boolean }>((data) => {
    const permissions = data.permissions === undefined ? {} : data.permissions;
    if (!isJsonObject(permissions)) {
      throw new PatchbayError('CONFIG_INVALID', '"permissions" in config.json is not an object, so no allow rule was written', { hint: 'Fix "permissions" ({"allow": [...], "ask": [...], "deny": [...]}).' });
    }
    const allow = permissions.allow === undefined ? [] : permissions.allow;
    if (!Array.isArray(allow)) {
      throw new PatchbayError('CONFIG_INVALID', '"permissions.allow" in config.json is not a list, so no allow rule was written', { hint: 'Make it a list of rules.' });
    }
    if (allow.includes(rule)) return { changed: false, result: { rule, added: false } };
    permissions.allow = [...allow, rule];
    data.permissions = permissions;
    return { changed: true, result: { rule, added: true } };
  }, file);
}
