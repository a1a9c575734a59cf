/**
 * Routes one downstream request to the server that owns what it names (MCP 2025-11-25 server
 * features): tools and prompts by their namespaced name, resources by URI, completions by the
 * prompt or resource they complete. Lists are answered from the catalog, whole (the hub follows
 * upstream cursors, so it has no cursor of its own to hand out).
 */
import type { DownstreamContext } from './types.js';
import { HubRpcError } from './types.js';
import type { Catalog } from './catalog.js';
import type { CallGuard, GuardedCall, GuardedItem, GuardedKind } from './guard.js';
import type { Subscriptions } from './subscriptions.js';
import type { ServerRecord } from './hub.js';
import type { CallOptions } from './supervisor.js';
import { INVALID_PARAMS, METHOD_NOT_FOUND, RESOURCE_NOT_FOUND, SERVER_UNAVAILABLE } from './rpc-errors.js';
import { redactJson } from '../secrets/redact/index.js';
import { callWithInput } from './input-required.js';
import { mapUiUris } from './ui-resources.js';

/** Requests whose 2026-07-28 answer may be input_required (SEP-2322). */
const INPUT_METHODS = new Set(['tools/call', 'prompts/get', 'resources/read']);

/**
 * What a 2026-07-28 upstream hears about the calling client. Capabilities: the ones the hub can
 * relay (it relays elicitation, sampling, roots and extensions; not tasks, which it does not
 * serve). Log level: a 2026-07-28 client's own, or none; a 2025-era client's setLevel, else the
 * hub-wide one, else "info" — 2025-era clients get log messages unless they turn them down, and
 * 2026-07-28 servers send none unless asked (SEP-2575).
 */
function envelopeOf(context: DownstreamContext, hubLevel: string | undefined): { clientCapabilities: Record<string, unknown>; logLevel?: string } {
  const { tasks: _tasks, ...clientCapabilities } = context.clientCapabilities;
  const modern = context.protocolVersion.startsWith('2026');
  const logLevel = modern ? context.logLevel : (context.logLevel ?? hubLevel ?? 'info');
  return logLevel ? { clientCapabilities, logLevel } : { clientCapabilities };
}

export interface RouterDeps {
  catalog(): Catalog;
  records: ReadonlyMap<string, ServerRecord>;
  subscriptions: Subscriptions;
  setLogLevel(level: string): void;
  /** The level last set by any client's logging/setLevel (what 2025-era upstreams were told). */
  logLevel(): string | undefined;
  /** Policy, pinning, secret scanning, audit (guard.ts); empty: the router skips them. */
  guards: readonly CallGuard[];
}

type Params = Record<string, unknown>;

export function createRouter(deps: RouterDeps) {
  function record(server: string): ServerRecord {
    const r = deps.records.get(server);
    if (!r?.supervisor) throw new HubRpcError(SERVER_UNAVAILABLE, `Server "${server}" is not running`, { server });
    return r;
  }

  /** Forwards to one server, carrying progress back under the client's own token. */
  async function forward(server: string, method: string, params: Params, context: DownstreamContext): Promise<unknown> {
    const r = record(server);
    const meta = params._meta as Params | undefined;
    const token = meta?.progressToken;
    let upstreamParams = params;
    const call: CallOptions = { signal: context.signal, owner: context, client: context.client };
    if (token !== undefined) {
      // The upstream gets its own token from the connection; ours is restored on the way back.
      const { progressToken: _dropped, ...restMeta } = meta!;
      upstreamParams = { ...params, _meta: restMeta };
      if (Object.keys(restMeta).length === 0) delete upstreamParams._meta;
      call.onProgress = (progress) => context.notify('notifications/progress', { ...progress, progressToken: token });
    }
    const log = r.log;
    if (String(r.supervisor!.connection?.protocolVersion).startsWith('2026')) call.envelope = envelopeOf(context, deps.logLevel());
    if (log.debugEnabled) log.log('debug', `-> ${method} ${JSON.stringify(redactJson(upstreamParams))} (session ${context.sessionId})`);
    try {
      const send = (extra?: Params) => r.supervisor!.request(method, extra ? { ...upstreamParams, ...extra } : upstreamParams, call);
      const result = INPUT_METHODS.has(method) ? await callWithInput(send, context, server) : await send();
      if (log.debugEnabled) log.log('debug', `<- ${method} result ${clip(JSON.stringify(redactJson(result)))}`);
      return result;
    } catch (error) {
      if (log.debugEnabled) log.log('debug', `<- ${method} error ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  }

  /**
   * A down server's tools leave the catalog, so a call to one would read "Unknown tool". When the
   * name carries the prefix of a server that is not ready, say that instead, with its reason.
   */
  function throwIfOwnerIsDown(name: string): void {
    for (const r of deps.records.values()) {
      const prefix = r.server.entry.patchbay?.prefix ?? r.server.name;
      if (prefix === '' || !name.startsWith(`${prefix}__`)) continue;
      const status = r.supervisor?.status();
      if (!status || status.state === 'ready') continue;
      throw new HubRpcError(
        SERVER_UNAVAILABLE,
        `Server "${r.server.name}" is not available (${status.state}${status.reason ? `: ${status.reason}` : ''})`,
        { server: r.server.name },
      );
    }
  }

  function uriOwner(uri: unknown): string {
    if (typeof uri !== 'string') throw new HubRpcError(INVALID_PARAMS, 'params.uri must be a string');
    const owner = deps.catalog().serverForUri(uri);
    if (!owner) {
      throw new HubRpcError(RESOURCE_NOT_FOUND, `Resource not found: ${uri} (no running server offers this URI)`, { uri });
    }
    return owner;
  }

  async function subscribe(method: string, params: Params, context: DownstreamContext): Promise<unknown> {
    const uri = params.uri;
    const owner = uriOwner(uri);
    const u = uri as string;
    const listen = deps.records.get(owner)?.listen;
    if (listen) {
      // A 2026-07-28 upstream has no resources/subscribe: the URI joins its listen stream's filter.
      const changed = method === 'resources/subscribe' ? deps.subscriptions.add(context.sessionId, u) : deps.subscriptions.remove(context.sessionId, u);
      if (changed) await listen.refresh();
      return {};
    }
    const upstream = deps.catalog().upstreamUri(owner, u);
    if (method === 'resources/subscribe') {
      if (deps.subscriptions.add(context.sessionId, u)) {
        try {
          await forward(owner, method, { uri: upstream }, context);
        } catch (error) {
          deps.subscriptions.remove(context.sessionId, u);
          throw error;
        }
      }
    } else if (deps.subscriptions.remove(context.sessionId, u)) {
      await forward(owner, method, { uri: upstream }, context).catch(() => undefined);
    }
    return {};
  }

  async function complete(params: Params, context: DownstreamContext): Promise<unknown> {
    const ref = params.ref as Params | undefined;
    if (ref?.type === 'ref/prompt' && typeof ref.name === 'string') {
      const route = deps.catalog().prompt(ref.name);
      if (!route) throw new HubRpcError(INVALID_PARAMS, `Unknown prompt: ${ref.name}`);
      return forward(route.server, 'completion/complete', { ...params, ref: { ...ref, name: route.name } }, context);
    }
    if (ref?.type === 'ref/resource' && typeof ref.uri === 'string') {
      const catalog = deps.catalog();
      const owner = catalog.serverForTemplate(ref.uri) ?? uriOwner(ref.uri);
      return forward(owner, 'completion/complete', { ...params, ref: { ...ref, uri: catalog.upstreamUri(owner, ref.uri) } }, context);
    }
    throw new HubRpcError(INVALID_PARAMS, 'completion/complete needs ref {type: "ref/prompt", name} or {type: "ref/resource", uri}');
  }

  async function setLevel(params: Params): Promise<unknown> {
    if (typeof params.level !== 'string') throw new HubRpcError(INVALID_PARAMS, 'params.level must be a string');
    deps.setLogLevel(params.level);
    await Promise.all(
      [...deps.records.values()].map(async (r) => {
        const conn = r.supervisor?.connection;
        // 2026-07-28 upstreams get the level in each request's envelope instead (envelopeOf).
        if (conn?.capabilities.logging && !String(conn.protocolVersion).startsWith('2026')) {
          await r.supervisor!.request('logging/setLevel', { level: params.level }).catch(() => undefined);
        }
      }),
    );
    return {};
  }

  /** A result as clients see it: the server's ui:// URIs in their exposed form (ui-resources.ts). */
  function exposeUris(server: string, result: unknown): unknown {
    const catalog = deps.catalog();
    return mapUiUris(result, (uri) => catalog.exposedUri(server, uri));
  }

  const filters = deps.guards.filter((g) => g.filter !== undefined);
  const callGuards = deps.guards.filter((g) => g.before !== undefined || g.after !== undefined);

  /** One kind of list as this client may see it: every guard's filter in turn. */
  function listed(kind: GuardedKind, catalog: Catalog, client: string): unknown[] {
    if (filters.length === 0) return catalog[kind];
    let entries: readonly GuardedItem[] = catalog.entries[kind];
    for (const guard of filters) entries = guard.filter!(client, kind, entries);
    return entries.map((e) => e.item);
  }

  /** A tools/call or prompts/get through every guard: before in order, after in reverse. */
  async function guarded(method: 'tools/call' | 'prompts/get', server: string, name: string, params: Params, context: DownstreamContext): Promise<unknown> {
    const args = params.arguments;
    const call: GuardedCall = {
      method,
      client: context.client,
      sessionId: context.sessionId,
      server,
      name,
      exposedName: String(params.name),
      arguments: args && typeof args === 'object' && !Array.isArray(args) ? (args as Params) : {},
      context,
      startedAt: Date.now(),
      notes: {},
    };
    let ran = 0;
    let outcome: { result?: unknown; error?: unknown; durationMs: number };
    try {
      for (const guard of callGuards) {
        ran++;
        await guard.before?.(call);
      }
      const upstreamParams = params.arguments === undefined && Object.keys(call.arguments).length === 0 ? { ...params, name } : { ...params, name, arguments: call.arguments };
      outcome = { result: await forward(server, method, upstreamParams, context), durationMs: Date.now() - call.startedAt };
    } catch (error) {
      outcome = { error, durationMs: Date.now() - call.startedAt };
    }
    for (let i = ran - 1; i >= 0; i--) {
      const replaced = callGuards[i]!.after?.(call, outcome);
      if (replaced !== undefined && outcome.error === undefined) outcome = { ...outcome, result: replaced };
    }
    if (outcome.error !== undefined) throw outcome.error;
    return outcome.result;
  }

  return async function route(method: string, rawParams: unknown, context: DownstreamContext): Promise<unknown> {
    const params = (rawParams && typeof rawParams === 'object' ? rawParams : {}) as Params;
    const catalog = deps.catalog();
    switch (method) {
      case 'ping':
        return {};
      case 'tools/list':
      case 'prompts/list':
      case 'resources/list':
      case 'resources/templates/list': {
        if (method === 'tools/list') return { tools: listed('tools', catalog, context.client) };
        if (method === 'prompts/list') return { prompts: listed('prompts', catalog, context.client) };
        if (method === 'resources/list') return { resources: listed('resources', catalog, context.client) };
        return { resourceTemplates: listed('templates', catalog, context.client) };
      }
      case 'tools/call':
      case 'prompts/get': {
        const isTool = method === 'tools/call';
        const name = params.name;
        if (typeof name !== 'string') {
          const what = rawParams === undefined || rawParams === null ? 'it has no params' : name === undefined ? 'params.name is missing' : `params.name is ${typeof name}`;
          throw new HubRpcError(INVALID_PARAMS, `${method} needs params.name, the ${isTool ? 'tool' : 'prompt'}'s name as tools/list gives it (a string): ${what}`);
        }
        const found = isTool ? catalog.tool(name) : catalog.prompt(name);
        if (!found) {
          throwIfOwnerIsDown(name);
          // MCP 2025-11-25: an unknown tool is a protocol error (-32602), not a tool result.
          throw new HubRpcError(INVALID_PARAMS, `Unknown ${isTool ? 'tool' : 'prompt'}: ${name}`);
        }
        const result = callGuards.length > 0 ? await guarded(method, found.server, found.name, params, context) : await forward(found.server, method, { ...params, name: found.name }, context);
        return exposeUris(found.server, result);
      }
      case 'resources/read': {
        const owner = uriOwner(params.uri);
        const result = await forward(owner, method, { ...params, uri: catalog.upstreamUri(owner, params.uri as string) }, context);
        return exposeUris(owner, result);
      }
      case 'resources/subscribe':
      case 'resources/unsubscribe':
        return subscribe(method, params, context);
      case 'completion/complete':
        return complete(params, context);
      case 'logging/setLevel':
        return setLevel(params);
      default:
        throw new HubRpcError(METHOD_NOT_FOUND, `Method not found: ${method}`);
    }
  };
}

function clip(text: string, max = 4_000): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}
