/**
 * Lenient reading of 2026-07-28 upstreams: early servers of that revision bend its rules in ways
 * whose intent is clear, and a gateway should read them as meant instead of failing the call
 * (the SDK v2 client's decoder rejects them: "missing required resultType — servers implementing
 * protocol revision 2026-07-28 MUST include it"). This sits between the transport and the SDK
 * Client, so nothing in the SDK is forked: each result is repaired before the Client decodes it,
 * and each kind of repair is reported once per connection with what was assumed.
 *
 * - `resultType` absent: `input_required` when the result carries `inputRequests` or
 *   `requestState` (SEP-2322's other shape), else `complete`.
 * - `ttlMs` / `cacheScope` absent or invalid on a cacheable result (SEP-2549): `0` / `private`,
 *   which is what "no hint" means — do not reuse it.
 * - Fields no revision defines: kept (results are open objects, and the SDK's schemas are
 *   loose), and reported, since a client may not expect them.
 * Only responses to our own requests are touched; the gateway writes strictly to its clients
 * (gateway/modern-result.ts).
 */
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';

const CACHEABLE = new Set(['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list', 'resources/read']);

/** The top-level fields 2026-07-28 defines per result (besides `_meta` and `resultType`). */
const KNOWN_FIELDS: Record<string, readonly string[]> = {
  'tools/call': ['content', 'structuredContent', 'isError'],
  'tools/list': ['tools', 'nextCursor', 'ttlMs', 'cacheScope'],
  'prompts/list': ['prompts', 'nextCursor', 'ttlMs', 'cacheScope'],
  'prompts/get': ['description', 'messages'],
  'resources/list': ['resources', 'nextCursor', 'ttlMs', 'cacheScope'],
  'resources/templates/list': ['resourceTemplates', 'nextCursor', 'ttlMs', 'cacheScope'],
  'resources/read': ['contents', 'ttlMs', 'cacheScope'],
  'completion/complete': ['completion'],
};
const ALWAYS = new Set(['_meta', 'resultType', 'inputRequests', 'requestState']);

export interface LenientOptions {
  /** True once the connection speaks 2026-07-28 (server/discover is always read leniently). */
  isModern(): boolean;
  /** One line per kind of deviation, the first time it is seen. */
  warn(message: string): void;
}

type Message = { id?: unknown; method?: unknown; result?: unknown };

export function installLenientReading(transport: Transport, options: LenientOptions): void {
  const methods = new Map<unknown, string>();
  const reported = new Set<string>();
  const report = (kind: string, message: string) => {
    if (reported.has(kind)) return;
    reported.add(kind);
    options.warn(message);
  };

  function repair(message: Message): void {
    const method = methods.get(message.id);
    methods.delete(message.id);
    if (method === undefined) return;
    if (method !== 'server/discover' && !options.isModern()) return;
    const result = message.result;
    if (result === null || typeof result !== 'object' || Array.isArray(result)) return;
    const r = result as Record<string, unknown>;
    if (r.resultType === undefined) {
      const incomplete = r.inputRequests !== undefined || typeof r.requestState === 'string';
      r.resultType = incomplete ? 'input_required' : 'complete';
      report(
        `resultType:${method}`,
        `the server left out resultType on a ${method} result (2026-07-28 requires it); read it as "${r.resultType}"`,
      );
    }
    const known = KNOWN_FIELDS[method];
    if (known) {
      const extra = Object.keys(r).filter((key) => !ALWAYS.has(key) && !known.includes(key));
      if (extra.length > 0) {
        report(`extra:${method}`, `the server added fields no revision defines to a ${method} result (${extra.join(', ')}); passed on as they are`);
      }
    }
    if (r.resultType === 'complete' && CACHEABLE.has(method)) {
      const ttl = r.ttlMs;
      if (!(typeof ttl === 'number' && Number.isSafeInteger(ttl) && ttl >= 0)) {
        r.ttlMs = 0;
        report(`ttlMs:${method}`, `the server gave no valid ttlMs on a ${method} result (SEP-2549); read it as 0 (not cacheable)`);
      }
      if (r.cacheScope !== 'public' && r.cacheScope !== 'private') {
        r.cacheScope = 'private';
        report(`cacheScope:${method}`, `the server gave no valid cacheScope on a ${method} result (SEP-2549); read it as "private"`);
      }
    }
  }

  const send = transport.send.bind(transport);
  transport.send = (message, sendOptions) => {
    const m = message as Message;
    if (m.id !== undefined && typeof m.method === 'string') methods.set(m.id, m.method);
    return send(message, sendOptions);
  };

  // The SDK Client assigns onmessage when it connects (and the hub's raw channel later wraps
  // it): whatever is assigned gets the repair in front of it. Each handler gets its own wrapper,
  // so a handler that calls the one it replaced does not call itself.
  type Handler = NonNullable<Transport['onmessage']>;
  const wrappers = new WeakMap<Handler, Handler>();
  const wrap = (handler: Handler): Handler => {
    let w = wrappers.get(handler);
    if (!w) {
      w = (message: JSONRPCMessage, extra) => {
        const m = message as Message;
        if (m.id !== undefined && m.method === undefined && methods.size > 0) repair(m);
        handler(message, extra);
      };
      wrappers.set(handler, w);
    }
    return w;
  };
  let inner: Transport['onmessage'];
  Object.defineProperty(transport, 'onmessage', {
    configurable: true,
    enumerable: true,
    get: () => (inner === undefined ? undefined : wrap(inner)),
    set: (handler: Transport['onmessage']) => {
      inner = handler;
    },
  });
}
