/**
 * Description scanning (README.md beside this file): `scanDefinition` for one tool, prompt or
 * template, `crossCheck` for what needs every server at once, `scanCatalog` for both over a set
 * of servers' lists — the same function the hub's pin guard, `patchbay scan` and `doctor` use.
 */
import type { ServerLists } from '../../hub/catalog.js';
import { crossCheck } from './cross.js';
import { scanDefinition } from './scan-definition.js';
import type { DefinitionKind, Finding, ScanItem } from './types.js';

export type { DefinitionKind, Finding, HiddenIn, ScanCheck, ScanItem, ScanLevel } from './types.js';
export { LEVEL_ORDER, worstLevel } from './types.js';
export { scanDefinition, SIZE_LIMITS } from './scan-definition.js';
export { crossCheck } from './cross.js';

export const DEFINITION_KINDS: readonly DefinitionKind[] = ['tools', 'prompts', 'templates'];

/** The scannable (and pinnable) definitions of one server's lists. */
export function itemsOf(server: string, lists: ServerLists): ScanItem[] {
  const out: ScanItem[] = [];
  for (const kind of DEFINITION_KINDS) {
    for (const item of lists[kind]) {
      if (item && typeof item === 'object' && typeof item.name === 'string') out.push({ server, kind, name: item.name, item });
    }
  }
  return out;
}

/** Every finding over these servers' lists, per definition and across servers. */
export function scanCatalog(servers: readonly { server: string; lists: ServerLists }[]): Finding[] {
  const items = servers.flatMap(({ server, lists }) => itemsOf(server, lists));
  return [...items.flatMap(scanDefinition), ...crossCheck(items)];
}
