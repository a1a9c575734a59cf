/**
 * `POST /v1/messages` and `POST /v1/messages/count_tokens`: parse once, check as the Anthropic
 * API would (../validate/), route, call with retries and fallbacks, answer (streamed or whole),
 * record usage. Everything Claude Code sends is accepted: unknown top-level fields ride along in
 * the parsed request for the adapters to keep or drop, and the passthrough forwards the
 * original bytes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MessagesRequest } from '../anthropic-types.js';
import { anthropicErrorInfo, buildPassthroughRequest } from '../anthropic/passthrough.js';
import type { ProxySettings } from '../config/types.js';
import type { ProviderAdapter, ProviderKind, TranslationContext, UpstreamTarget } from '../provider.js';
import { RoutingError, type ProviderRouter, type RouteDecision } from '../routing/router.js';
import { createToolNameMap } from '../tool-names.js';
import { randomId } from '../random-id.js';
import { callWithFallbacks, errorInfoOf, type CallPlan } from './call.js';
import { errorTypeForStatus, sendError, sendJson } from './http.js';
import { checkMessagesRequest, type RequestCheckOptions } from '../validate/request.js';
import { parseJsonBody } from './json-body.js';
import type { ProxyOps } from './ops.js';
import { sendPassthrough, sendTranslated, streamPassthrough, streamTranslated, type Delivery } from './respond.js';
import type { UpstreamClient, UpstreamRequest } from './upstream.js';

export interface MessagesDeps {
  settings: ProxySettings;
  router: ProviderRouter;
  upstream: UpstreamClient;
  adapters: Partial<Record<ProviderKind, ProviderAdapter>>;
  ops: ProxyOps;
  pingIntervalMs: number;
}

/**
 * Parses the body and checks it as the Anthropic API would (../validate/request.ts); a message
 * naming the field otherwise, answered as 400 invalid_request_error.
 */
export function parseMessagesRequest(raw: Buffer, options: RequestCheckOptions): MessagesRequest | string {
  let value: unknown;
  try {
    value = parseJsonBody(raw);
  } catch (error) {
    return `request body is not valid JSON (${(error as Error).message})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'request body must be a JSON object';
  return checkMessagesRequest(value as Record<string, unknown>, options) ?? (value as MessagesRequest);
}

/** The anthropic-beta flags that change what a valid request is. */
function checkOptions(req: IncomingMessage, needMaxTokens: boolean): RequestCheckOptions {
  const beta = req.headers['anthropic-beta'];
  return { needMaxTokens, interleavedThinking: typeof beta === 'string' && beta.includes('interleaved-thinking') };
}

/** `x-patchbay-client`, else the product of the user-agent (`claude-cli/2.1.197 (…)` → `claude-cli`). */
export function clientName(req: IncomingMessage): string | undefined {
  const named = req.headers['x-patchbay-client'];
  if (typeof named === 'string' && named !== '') return named.slice(0, 64);
  const agent = req.headers['user-agent'];
  if (!agent) return undefined;
  const product = /^[^\s/]+/.exec(agent)?.[0];
  return product?.slice(0, 64);
}

/** Names of the request's tools; toolsets (browser_toolset_…) have none. */
function toolNames(request: MessagesRequest): string[] {
  const names: string[] = [];
  for (const tool of request.tools ?? []) if (typeof tool.name === 'string') names.push(tool.name);
  return names;
}

function messageId(): string {
  return `msg_${randomId(12).replace(/[-_]/g, 'x')}`;
}

function missingKey(target: UpstreamTarget): string | undefined {
  const { provider } = target;
  // A fetched key (keySource) is filled in by callWithFallbacks, which reports its own failures.
  if (provider.apiKey || provider.keySource) return undefined;
  const needsKey = provider.kind !== 'openai' || provider.baseUrl.startsWith('https://api.openai.com');
  const variable = provider.keyOrigin ?? 'its key variable';
  return needsKey ? `provider "${provider.name}" has no API key: set ${variable} (or name where the key is with "apiKey" or "apiKeyEnv" in the config) before starting Patchbay` : undefined;
}

/**
 * `caller`: the client the credential names. A client token's name is the client, whatever the
 * headers say (one client cannot book its usage on another); the shared token proves nothing
 * more than "one of the user's programs", so its requests keep the name the client gives.
 */
export async function handleMessages(deps: MessagesDeps, req: IncomingMessage, res: ServerResponse, raw: Buffer, query: string, signal: AbortSignal, caller?: string): Promise<void> {
  const startedAt = performance.now();
  const parsed = parseMessagesRequest(raw, checkOptions(req, true));
  if (typeof parsed === 'string') { sendError(res, 400, 'invalid_request_error', parsed); return; }
  const request = parsed;
  let estimate: number | undefined;
  const estimateOnce = (r: MessagesRequest): number => (estimate ??= deps.ops.estimateRequestTokens(r));
  let decision: RouteDecision;
  try {
    decision = deps.router.route(request, estimateOnce);
  } catch (error) {
    if (error instanceof RoutingError) { sendError(res, 400, 'invalid_request_error', error.message); return; }
    throw error;
  }
  const stream = request.stream === true;
  // A byte-length estimate is enough until the upstream reports real usage; the real estimator
  // runs only when routing or a rate limit needs it.
  const inputEstimate = estimate ?? (deps.ops.rateLimiter ? estimateOnce(request) : Math.ceil(raw.length / 4));
  const context: TranslationContext = {
    requestModel: request.model,
    messageId: messageId(),
    estimatedInputTokens: inputEstimate,
    toolNames: createToolNameMap(toolNames(request)),
    ...(request.stop_sequences ? { stopSequences: request.stop_sequences } : {}),
  };
  const plan: CallPlan = {
    targets: decision.targets,
    startedAt,
    signal,
    cost: { inputTokens: inputEstimate, outputTokens: request.max_tokens },
    build: (target) => {
      const problem = missingKey(target);
      if (problem) return { unusable: problem };
      if (target.provider.kind === 'anthropic') return buildPassthroughRequest(raw, request, target, req.headers, '/v1/messages', query);
      const adapter = deps.adapters[target.provider.kind];
      if (!adapter) return { unusable: `no ${target.provider.kind} translation is installed for provider "${target.provider.name}"` };
      try {
        return adapter.buildRequest(request, target, context) as UpstreamRequest;
      } catch (error) {
        const info = errorInfoOf(error);
        if (info) return { rejected: info };
        throw error;
      }
    },
    translateError: (target, status, text) => {
      if (target.provider.kind === 'anthropic') return anthropicErrorInfo(status, text, errorTypeForStatus(status));
      const adapter = deps.adapters[target.provider.kind];
      return adapter ? adapter.translateError(status, text) : { status, type: errorTypeForStatus(status), message: text.slice(0, 200) };
    },
  };

  const outcome = await callWithFallbacks({ upstream: deps.upstream, retry: deps.settings.retry, rateLimiter: deps.ops.rateLimiter }, plan);
  const client = caller !== undefined && caller !== 'default' ? caller : clientName(req);
  const record = (target: UpstreamTarget | undefined, delivery: Delivery): void => {
    if (!deps.ops.usage) return;
    const { usage } = delivery;
    const provider = target?.provider.name ?? 'none';
    const model = target?.model ?? request.model;
    deps.ops.usage.record({
      time: Date.now(),
      ...(client ? { client } : {}),
      provider,
      model,
      requestModel: request.model,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cacheReadTokens: usage.cacheReadTokens,
      cacheWriteTokens: usage.cacheWriteTokens,
      costUsd: target && deps.ops.costOf ? deps.ops.costOf(provider, model, usage) : null,
      latencyMs: Math.round(performance.now() - startedAt),
      status: delivery.status,
      stream,
      ...(delivery.error ? { error: delivery.error } : {}),
    });
  };

  if (!outcome.ok) {
    sendError(res, outcome.status, outcome.type, outcome.message, outcome.headers);
    record(outcome.target, { status: outcome.status, usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }, error: outcome.message });
    return;
  }
  const { target, response } = outcome;
  // Which provider and model answered, for callers that price or report it (src/proxy/channel).
  res.setHeader('x-patchbay-route', `${target.provider.name},${target.model}`);
  const price = deps.ops.priceOf?.(target.provider.name, target.model);
  if (price) res.setHeader('x-patchbay-price', `${price.input},${price.output},${price.cacheRead ?? price.input},${price.cacheWrite ?? price.input}`);
  let delivery: Delivery;
  if (target.provider.kind === 'anthropic') {
    delivery = stream ? await streamPassthrough(res, response, deps.pingIntervalMs) : await sendPassthrough(res, response);
  } else {
    const adapter = deps.adapters[target.provider.kind]!;
    delivery = stream
      ? await streamTranslated(res, response.body, adapter.createStreamTranslator(context), deps.pingIntervalMs, target.provider.name)
      : await sendTranslated(res, response.body, adapter, context, target.provider.name);
  }
  outcome.settle({ inputTokens: delivery.usage.inputTokens, outputTokens: delivery.usage.outputTokens });
  record(target, delivery);
}

export async function handleCountTokens(deps: MessagesDeps, req: IncomingMessage, res: ServerResponse, raw: Buffer, query: string, signal: AbortSignal): Promise<void> {
  const parsed = parseMessagesRequest(raw, checkOptions(req, false));
  if (typeof parsed === 'string') { sendError(res, 400, 'invalid_request_error', parsed); return; }
  let decision: RouteDecision;
  try {
    decision = deps.router.route(parsed, deps.ops.estimateRequestTokens);
  } catch (error) {
    if (error instanceof RoutingError) { sendError(res, 400, 'invalid_request_error', error.message); return; }
    throw error;
  }
  const target = decision.targets[0]!;
  // Anthropic counts exactly; every other provider gets Patchbay's estimate.
  if (target.provider.kind !== 'anthropic' || missingKey(target)) {
    sendJson(res, 200, JSON.stringify({ input_tokens: deps.ops.estimateRequestTokens(parsed) }));
    return;
  }
  const outcome = await callWithFallbacks({ upstream: deps.upstream, retry: deps.settings.retry, rateLimiter: undefined }, {
    targets: [target],
    startedAt: performance.now(),
    signal,
    cost: { inputTokens: 0, outputTokens: 0 },
    build: (t) => buildPassthroughRequest(raw, parsed, t, req.headers, '/v1/messages/count_tokens', query),
    translateError: (_t, status, text) => anthropicErrorInfo(status, text, errorTypeForStatus(status)),
  });
  if (!outcome.ok) { sendError(res, outcome.status, outcome.type, outcome.message, outcome.headers); return; }
  await sendPassthrough(res, outcome.response);
}
