/**
 * One request's way to a provider: targets in order (the route, then its fallbacks), each tried
 * up to `retry.maxAttempts` times while it fails before the first byte (429, 5xx, connection
 * errors), with full-jitter backoff that honours `retry-after`, all within `retry.maxTotalMs`.
 * A client error (400, 413, 422) is final: another provider would refuse the same request.
 * Nothing here retries after a response has started; the caller owns the response from then on.
 */
import type { ErrorType } from '../anthropic-types.js';
import type { RetrySettings } from '../config/types.js';
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
  for (const target of plan.targets) {
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
  for (let attempt = 1; ; attempt++) {
    let failure: CallFailure;
    let retryAfterMs: number | undefined;
    try {
      const response = await deps.upstream.send(request, plan.signal);
      if (response.status >= 200 && response.status < 300) return { ok: true, target, response };
      const text = await readText(response.body);
      const info = plan.translateError(target, response.status, text);
      retryAfterMs = parseRetryAfter(response.headers['retry-after']);
      failure = {
        ok: false, status: info.status, type: info.type, target,
        message: `${target.provider.name}: ${info.message}`,
        headers: retryAfterMs === undefined ? {} : { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) },
      };
      if (response.status === 401) {
        // The client's key was Patchbay's and it matched; this 401 is about the provider's key.
        // Passed on as 401, Claude Code would tell the user to log in again, which cannot help.
        failure = { ...failure, status: 502, type: 'api_error', message: `${target.provider.name} refused the API key Patchbay holds for it (HTTP 401: ${info.message}); check the key variable for "${target.provider.name}"` };
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

/** Adapters throw errors carrying `info` (OpenAITranslationError and the like). */
export function errorInfoOf(error: unknown): UpstreamErrorInfo | undefined {
  const info = (error as { info?: Partial<UpstreamErrorInfo> } | null)?.info;
  if (info && typeof info.status === 'number' && typeof info.type === 'string' && typeof info.message === 'string') return info as UpstreamErrorInfo;
  return undefined;
}

export function statusErrorType(status: number): ErrorType {
  return errorTypeForStatus(status);
}
