/**
 * One request's way to a provider: targets in order (the route, then its fallbacks), each tried
 * up to `retry.maxAttempts` times while it fails before the first byte (429, 5xx, connection
 * errors), with full-jitter backoff that honours `retry-after` (or, without that header, the
 * delay the adapter read from the error body: Gemini's RetryInfo), all within `retry.maxTotalMs`.
 * A client error (400, 413, 422) is final: another provider would refuse the same request.
 * Nothing here retries after a response has started; the caller owns the response from then on.
 *
 * A provider whose key a command prints (`keySource`) gets the key here, before its request is
 * built: from the cache without waiting when it is fresh, else from one fetch that concurrent
 * requests share. When such a provider answers 401, the key is fetched again and the request
 * sent once more, as Claude Code does with `apiKeyHelper`.
 */
import { redactKnownSecrets } from '../../secrets/redact/index.js';
import { isPatchbayError } from '../../errors.js';
import type { ErrorType } from '../anthropic-types.js';
import type { RetrySettings } from '../config/types.js';
import type { KeySource } from '../keys/source.js';
import type { UpstreamErrorInfo, UpstreamTarget } from '../provider.js';
import { errorTypeForStatus } from './http.js';
import type { RateLimiter } from './ops.js';
import { isRetryableStatus, nextRetryDelay, parseRetryAfter, sleep } from './retry.js';
import { UpstreamConnectionError, readText, type UpstreamClient, type UpstreamRequest, type UpstreamResponse } from './upstream.js';

export interface CallSuccess {
  ok: true;
  target: UpstreamTarget;
  response: UpstreamResponse;
  /** Give the rate limiter the real token counts once they are known. */
  settle(actual: { inputTokens: number; outputTokens: number }): void;
}

export interface CallFailure {
  ok: false;
  status: number;
  type: ErrorType;
  message: string;
  headers: Record<string, string>;
  /** The last target tried, for usage records. */
  target: UpstreamTarget | undefined;
}

export type CallOutcome = CallSuccess | CallFailure;

export interface CallPlan {
  targets: UpstreamTarget[];
  /** Builds the upstream request for a target, or says why this target cannot be used. */
  build(target: UpstreamTarget): UpstreamRequest | { unusable: string } | { rejected: UpstreamErrorInfo };
  translateError(target: UpstreamTarget, status: number, bodyText: string): UpstreamErrorInfo;
  cost: { inputTokens: number; outputTokens: number };
  startedAt: number;
  signal: AbortSignal;
}

export interface CallDeps {
  upstream: UpstreamClient;
  retry: RetrySettings;
  rateLimiter: RateLimiter | undefined;
}

const NO_SETTLE = (): void => undefined;

/** Statuses that mean "this request is wrong", so no other provider is tried. */
function isFinalClientError(status: number): boolean {
  return status === 400 || status === 413 || status === 422;
}

export async function callWithFallbacks(deps: CallDeps, plan: CallPlan): Promise<CallOutcome> {
  let last: CallFailure | undefined;
  for (const routed of plan.targets) {
    let target = routed;
    const source = routed.provider.keySource;
    if (source) {
      const key = source.peek() ?? (await fetchKey(source));
      if (typeof key !== 'string') {
        last = { ok: false, status: 500, type: 'api_error', message: key.unusable, headers: {}, target };
        continue;
      }
      target = withKey(routed, key);
    }
    const request = plan.build(target);
    if ('rejected' in request) {
      // The translation refused the request itself: no provider would take it.
      return { ok: false, status: request.rejected.status, type: request.rejected.type, message: request.rejected.message, headers: {}, target };
    }
    if ('unusable' in request) {
      last = { ok: false, status: 500, type: 'api_error', message: request.unusable, headers: {}, target };
      continue;
    }
    let settle: CallSuccess['settle'] = NO_SETTLE;
    if (deps.rateLimiter) {
      const grant = await deps.rateLimiter.acquire({ provider: target.provider.name, model: target.model }, plan.cost, plan.signal);
      if (!grant.ok) {
        last = {
          ok: false, status: 429, type: 'rate_limit_error', target,
          message: `Patchbay's ${grant.limit} limit for ${target.provider.name},${target.model} is reached; retry in ${grant.retryAfterSeconds} s`,
          headers: { 'retry-after': String(Math.max(1, Math.ceil(grant.retryAfterSeconds))) },
        };
        continue;
      }
      settle = grant.settle.bind(grant);
    }
    const outcome = await tryTarget(deps, plan, target, request);
    if (outcome.ok) return { ...outcome, settle };
    settle({ inputTokens: 0, outputTokens: 0 });
    last = outcome;
    if (isFinalClientError(outcome.status)) return outcome;
  }
  return last ?? { ok: false, status: 500, type: 'api_error', message: 'no provider to try', headers: {}, target: undefined };
}

async function tryTarget(deps: CallDeps, plan: CallPlan, target: UpstreamTarget, request: UpstreamRequest): Promise<Omit<CallSuccess, 'settle'> | CallFailure> {
  let refreshedKey = false;
  for (let attempt = 1; ; attempt++) {
    let failure: CallFailure;
    let retryAfterMs: number | undefined;
    try {
      const response = await deps.upstream.send(request, plan.signal);
      if (response.status >= 200 && response.status < 300) return { ok: true, target, response };
      const text = await readText(response.body);
      const info = plan.translateError(target, response.status, text);
      // Some providers echo the key they refused; it must not reach the client or the usage store.
      const detail = target.provider.apiKey ? redactKnownSecrets(info.message, [target.provider.apiKey]) : info.message;
      // The header wins; without one, what the body says (Gemini's RetryInfo).
      retryAfterMs = parseRetryAfter(response.headers['retry-after']) ?? info.retryAfterMs;
      failure = {
        ok: false, status: info.status, type: info.type, target,
        message: `${target.provider.name}: ${detail}`,
        headers: retryAfterMs === undefined ? {} : { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) },
      };
      if (response.status === 401) {
        const source = target.provider.keySource;
        if (source && !refreshedKey) {
          // A fetched key may have expired or been rotated: fetch it again and try once more.
          refreshedKey = true;
          const retry = await rebuildWithFreshKey(plan, target, source);
          if ('failure' in retry) return retry.failure;
          ({ target, request } = retry);
          attempt--;
          continue;
        }
        // The client's key was Patchbay's and it matched; this 401 is about the provider's key.
        // Passed on as 401, Claude Code would tell the user to log in again, which cannot help.
        const origin = target.provider.keyOrigin ?? `the key for "${target.provider.name}"`;
        failure = { ...failure, status: 502, type: 'api_error', message: `${target.provider.name} refused the API key Patchbay holds for it (HTTP 401: ${detail}); check ${origin}` };
      }
      if (!isRetryableStatus(response.status)) return failure;
    } catch (error) {
      if (plan.signal.aborted) throw error;
      if (!(error instanceof UpstreamConnectionError)) throw error;
      failure = {
        ok: false, status: 502, type: 'api_error', target,
        message: `${target.provider.name}: ${error.message}`, headers: {},
      };
    }
    const delay = nextRetryDelay(deps.retry, attempt, performance.now() - plan.startedAt, retryAfterMs);
    if (delay === undefined) return failure;
    await sleep(delay, plan.signal);
  }
}

/** The target with its fetched key, as adapters read it (`provider.apiKey`). */
function withKey(target: UpstreamTarget, key: string): UpstreamTarget {
  return { ...target, provider: { ...target.provider, apiKey: key } };
}

/** The key, or why there is none: the fetch's own message (it names provider and field) and what to do. */
async function fetchKey(source: KeySource, rejected?: string): Promise<string | { unusable: string }> {
  try {
    return rejected === undefined ? await source.get() : await source.refresh(rejected);
  } catch (error) {
    if (!isPatchbayError(error)) throw error;
    return { unusable: error.hint ? `${error.message}. ${error.hint}` : error.message };
  }
}

async function rebuildWithFreshKey(plan: CallPlan, target: UpstreamTarget, source: KeySource): Promise<{ target: UpstreamTarget; request: UpstreamRequest } | { failure: CallFailure }> {
  const key = await fetchKey(source, target.provider.apiKey ?? '');
  const fail = (message: string): { failure: CallFailure } => ({ failure: { ok: false, status: 500, type: 'api_error', message, headers: {}, target } });
  if (typeof key !== 'string') return fail(key.unusable);
  const keyed = withKey(target, key);
  const request = plan.build(keyed);
  if ('unusable' in request) return fail(request.unusable);
  if ('rejected' in request) return { failure: { ok: false, status: request.rejected.status, type: request.rejected.type, message: request.rejected.message, headers: {}, target: keyed } };
  return { target: keyed, request };
}

/** Adapters throw errors carrying `info` (OpenAITranslationError and the like). */
export function errorInfoOf(error: unknown): UpstreamErrorInfo | undefined {
  const info = (error as { info?: Partial<UpstreamErrorInfo> } | null)?.info;
  if (info && typeof info.status === 'number' && typeof info.type === 'string' && typeof info.message === 'string') return info as UpstreamErrorInfo;
  return undefined;
}

export function statusErrorType(status: number): ErrorType {
  return errorTypeForStatus(status);
}
