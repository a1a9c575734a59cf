/**
 * Decides where one request goes: pure, no I/O, so every rule is unit-tested.
 * Order (the first that applies wins), after claude-code-router's so configs carry over:
 *  1. an explicit `provider,model` in the request's `model`;
 *  2. an alias from `proxy.aliases`;
 *  3. longContext: estimated input tokens above the threshold (estimated only when configured);
 *  4. background: a haiku-class model (Claude Code's small/fast model);
 *  5. webSearch: a server web-search tool (`web_search_20250305`, …) is offered;
 *  6. think: `thinking.type === "enabled"`. Claude Code sends `{"type":"adaptive"}` on every
 *     main-agent request, so adaptive alone does not count: that would route everything here;
 *  7. default.
 * Then the ordered fallbacks for the chosen route (by its text, else by its scenario).
 */
import type { MessagesRequest } from '../anthropic-types.js';
import type { ProviderConfig, UpstreamTarget } from '../provider.js';
import type { ProxySettings, RouteRef, Scenario } from '../config/types.js';

export type RouteReason = Scenario | 'explicit' | 'alias';

export interface RouteDecision {
  reason: RouteReason;
  /** The primary target first, then its fallbacks; never empty. */
  targets: UpstreamTarget[];
}

export interface ProviderRouter {
  /** `estimateTokens` overrides the router's own (the server passes a memoised one). */
  route(request: MessagesRequest, estimateTokens?: (request: MessagesRequest) => number): RouteDecision;
}

export interface ProviderRouterOptions {
  /** Input-token estimate, called only when a longContext route is configured. */
  estimateTokens: (request: MessagesRequest) => number;
}

/** A request the router cannot place; the server answers 400 invalid_request_error with it. */
export class RoutingError extends Error {
  override readonly name = 'RoutingError';
}

type RoutingSettings = Pick<ProxySettings, 'providers' | 'router' | 'aliases' | 'fallbacks'>;

export function createProviderRouter(settings: RoutingSettings, options: ProviderRouterOptions): ProviderRouter {
  const { providers, router, aliases, fallbacks } = settings;

  const toTarget = (ref: RouteRef, requestModel: string): UpstreamTarget => {
    const provider = providers.get(ref.provider) as ProviderConfig; // validated when config loaded
    return { provider, model: ref.model ?? requestModel };
  };

  const pick = (request: MessagesRequest, estimate: (r: MessagesRequest) => number): { reason: RouteReason; ref: RouteRef } => {
    const model = request.model;
    const comma = model.indexOf(',');
    if (comma !== -1) {
      const name = model.slice(0, comma).trim();
      const rest = model.slice(comma + 1).trim();
      if (!providers.has(name)) {
        throw new RoutingError(`model "${model}" names provider "${name}", which is not configured (known: ${[...providers.keys()].join(', ')})`);
      }
      if (rest === '') throw new RoutingError(`model "${model}" names no model after the comma`);
      return { reason: 'explicit', ref: { provider: name, model: rest, text: `${name},${rest}` } };
    }
    const alias = aliases.get(model);
    if (alias) return { reason: 'alias', ref: alias };
    if (router.longContext && estimate(request) > router.longContextThreshold) {
      return { reason: 'longContext', ref: router.longContext };
    }
    if (router.background && isHaikuClass(model)) return { reason: 'background', ref: router.background };
    if (router.webSearch && offersWebSearch(request)) return { reason: 'webSearch', ref: router.webSearch };
    if (router.think && request.thinking?.type === 'enabled') return { reason: 'think', ref: router.think };
    if (router.default) return { reason: 'default', ref: router.default };
    throw new RoutingError(`no route for model "${model}": proxy.router.default is not set`);
  };

  return {
    route(request, estimateTokens = options.estimateTokens) {
      const { reason, ref } = pick(request, estimateTokens);
      const targets = [toTarget(ref, request.model)];
      const seen = new Set([`${targets[0]!.provider.name},${targets[0]!.model}`]);
      for (const next of fallbacks.get(ref.text) ?? fallbacks.get(reason) ?? []) {
        const target = toTarget(next, request.model);
        const key = `${target.provider.name},${target.model}`;
        if (!seen.has(key)) { seen.add(key); targets.push(target); }
      }
      return { reason, targets };
    },
  };
}

/** Claude Code's small/fast model (titles, summaries, quota checks) is a haiku. */
export function isHaikuClass(model: string): boolean {
  return model.toLowerCase().includes('haiku');
}

export function offersWebSearch(request: MessagesRequest): boolean {
  return request.tools?.some((tool) => typeof tool.type === 'string' && tool.type.startsWith('web_search')) ?? false;
}
