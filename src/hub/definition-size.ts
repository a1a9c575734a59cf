/**
 * A size cap per tool definition in the catalog. Every tools/list a client makes, and every
 * model turn that lists tools, carries each definition whole: one server's 20 MB description
 * would fill every client's context and slow every listing. A definition over the cap is cut
 * for listing — its description shortened, saying so — and withheld when even that is not
 * enough (an input schema that size cannot be shortened without changing the tool). The
 * upstream's own lists are untouched: guards (pinning, the policy's size finding) see them whole.
 */
import type { ToolItem } from './catalog.js';

/** Bytes of JSON per tool definition in the catalog. */
export const MAX_DEFINITION_BYTES = 64 * 1024;

export interface SizedDefinition {
  /** What the catalog lists; undefined when withheld. */
  item?: ToolItem;
  /** For the server's log, when the definition was cut or withheld. */
  note?: string;
}

export function capDefinition(tool: ToolItem, server: string, max = MAX_DEFINITION_BYTES): SizedDefinition {
  // Measured in UTF-16 units of the JSON text; the same as bytes for the ASCII these mostly are.
  const size = JSON.stringify(tool).length;
  if (size <= max) return { item: tool };
  const kib = (n: number) => `${Math.ceil(n / 1024)} KiB`;
  const description = typeof tool.description === 'string' ? tool.description : '';
  const marker = ` … [cut by Patchbay: this definition was ${kib(size)}, over its ${kib(max)} limit per tool]`;
  const rest = size - JSON.stringify(description).length;
  // Room left for the description once everything else and the marker are in (plus escaping slack).
  const room = max - rest - marker.length - 64;
  if (room < 0) {
    return { note: `Tool "${tool.name}" of "${server}" is withheld: its definition is ${kib(size)}, over the ${kib(max)} limit per tool even without its description (its inputSchema or other fields are that large)` };
  }
  let cut = description.slice(0, room);
  // The description may hold characters JSON escapes (quotes, newlines): shorten until it fits.
  while (cut.length > 0 && JSON.stringify({ ...tool, description: cut + marker }).length > max) cut = cut.slice(0, Math.floor(cut.length * 0.9));
  return {
    item: { ...tool, description: cut + marker },
    note: `Tool "${tool.name}" of "${server}": its definition is ${kib(size)}, over the ${kib(max)} limit per tool; its description is cut to fit in listings`,
  };
}
