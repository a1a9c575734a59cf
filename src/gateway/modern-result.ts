/**
 * Results as a 2026-07-28 client must receive them, whatever era the upstream spoke: every
 * result carries `resultType`; cacheable results (tools/prompts/resources lists, resources/read,
 * server/discover) carry `ttlMs` and `cacheScope`; fields the revision deleted (a tool's
 * `execution`, the `tasks` capability) are dropped. This mirrors the SDK's 2026 encode contract
 * (core-internal wire/rev2026-07-28), which its client enforces on decode.
 */

const CACHEABLE = new Set(['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list', 'resources/read', 'server/discover']);
/** The gateway aggregates servers whose lists change at any time: clients must not cache. */
const DEFAULT_TTL_MS = 0;
const DEFAULT_SCOPE = 'private';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function shapeModernResult(method: string, result: unknown): unknown {
  if (!isObject(result)) return result;
  const shaped: Record<string, unknown> = { ...result };
  if (shaped.resultType === undefined) shaped.resultType = 'complete';
  if (shaped.resultType === 'complete' && CACHEABLE.has(method)) {
    const ttl = shaped.ttlMs;
    if (!(typeof ttl === 'number' && Number.isSafeInteger(ttl) && ttl >= 0)) shaped.ttlMs = DEFAULT_TTL_MS;
    if (shaped.cacheScope !== 'public' && shaped.cacheScope !== 'private') shaped.cacheScope = DEFAULT_SCOPE;
  }
  if (method === 'tools/list' && Array.isArray(shaped.tools) && shaped.tools.some((t) => isObject(t) && 'execution' in t)) {
    shaped.tools = shaped.tools.map((t) => {
      if (!isObject(t) || !('execution' in t)) return t;
      const { execution: _dropped, ...rest } = t;
      return rest;
    });
  }
  if (isObject(shaped.capabilities) && 'tasks' in shaped.capabilities) {
    const { tasks: _dropped, ...rest } = shaped.capabilities;
    shaped.capabilities = rest;
  }
  return shaped;
}
