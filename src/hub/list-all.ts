/**
 * Reads a server's complete lists. MCP list methods are paginated (2025-11-25 "Pagination"):
 * a result may carry `nextCursor`, and a client that stops at the first page silently loses
 * tools. The loop follows cursors to the end, with two guards against a buggy server: a cursor
 * seen twice, and a page limit.
 */
import type { UpstreamConnection } from './upstream/connection.js';
import { emptyLists, type ServerLists } from './catalog.js';

const MAX_PAGES = 1_000;

export async function listAll<T>(
  connection: Pick<UpstreamConnection, 'request'>,
  method: string,
  key: string,
  timeoutMs: number,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const params = cursor === undefined ? {} : { cursor };
    const result = (await connection.request(method, params, { timeoutMs, signal: AbortSignal.timeout(timeoutMs) })) as Record<
      string,
      unknown
    >;
    const pageItems = result?.[key];
    if (Array.isArray(pageItems)) items.push(...(pageItems as T[]));
    const next = result?.nextCursor;
    if (typeof next !== 'string' || next === '' || seen.has(next)) break;
    seen.add(next);
    cursor = next;
  }
  return items;
}

export type ListKind = keyof ServerLists;

/** Which lists a server offers, by its capabilities (MCP 2025-11-25 "Capability Negotiation"). */
export function offeredKinds(capabilities: Record<string, unknown>): ListKind[] {
  const kinds: ListKind[] = [];
  if (capabilities.tools) kinds.push('tools');
  if (capabilities.prompts) kinds.push('prompts');
  if (capabilities.resources) kinds.push('resources', 'templates');
  return kinds;
}

const METHODS: Record<ListKind, [method: string, key: string]> = {
  tools: ['tools/list', 'tools'],
  prompts: ['prompts/list', 'prompts'],
  resources: ['resources/list', 'resources'],
  templates: ['resources/templates/list', 'resourceTemplates'],
};

/** Reads the given lists; a list the server fails to give is left empty and reported to `onError`. */
export async function readLists(
  connection: UpstreamConnection,
  kinds: readonly ListKind[],
  timeoutMs: number,
  onError: (kind: ListKind, error: unknown) => void,
  into: ServerLists = emptyLists(),
): Promise<ServerLists> {
  await Promise.all(
    kinds.map(async (kind) => {
      const [method, key] = METHODS[kind];
      try {
        (into as unknown as Record<ListKind, unknown[]>)[kind] = await listAll(connection, method, key, timeoutMs);
      } catch (error) {
        into[kind] = [];
        onError(kind, error);
      }
    }),
  );
  return into;
}
