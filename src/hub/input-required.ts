/**
 * A 2026-07-28 upstream that needs input mid-call answers `resultType: "input_required"` with
 * `inputRequests` and an opaque `requestState` (SEP-2322, multi round-trip requests). The hub
 * relays those requests to the client that made the call — in whichever era that client speaks —
 * and retries the call upstream with its answers and the upstream's `requestState`, byte for
 * byte, until the upstream completes:
 * - a 2026-07-28 client gets them in an input_required result of its own (DownstreamContext.input;
 *   the gateway keeps the upstream's keys) and comes back with `inputResponses`;
 * - a 2025-era client gets each as a server-to-client request (elicitation/create,
 *   sampling/createMessage, roots/list) on its session, answered in place.
 * The upstream's `requestState` never leaves the hub: the client sees only the gateway's own
 * state, so it cannot tamper with what the upstream will trust.
 */
import type { DownstreamContext } from './types.js';
import { HubRpcError } from './types.js';
import { INVALID_PARAMS } from './rpc-errors.js';

export interface InputRequest {
  method: string;
  params?: unknown;
}

/** Rounds per call before the hub gives up on an upstream that never completes. */
const MAX_ROUNDS = 16;

export function isInputRequired(result: unknown): result is { resultType: 'input_required'; inputRequests?: Record<string, InputRequest>; requestState?: string } {
  return typeof result === 'object' && result !== null && (result as { resultType?: unknown }).resultType === 'input_required';
}

/** Asks the calling client for every input the upstream wants, keyed as the upstream keyed them. */
export async function askClient(context: DownstreamContext, requests: Record<string, InputRequest>): Promise<Record<string, unknown>> {
  for (const [key, request] of Object.entries(requests)) {
    if (typeof request?.method !== 'string') throw new HubRpcError(INVALID_PARAMS, `The server sent an input request "${key}" without a method`);
  }
  if (context.input) return context.input(requests);
  const entries = await Promise.all(
    Object.entries(requests).map(async ([key, request]) => [key, await context.request(request.method, request.params ?? {}, { signal: context.signal })] as const),
  );
  return Object.fromEntries(entries);
}

/**
 * Runs one upstream call to completion: `send` issues the request (again, with the answers and
 * state of the previous round when given); input_required rounds are relayed in between.
 */
export async function callWithInput(
  send: (extra?: { inputResponses: Record<string, unknown>; requestState?: string }) => Promise<unknown>,
  context: DownstreamContext,
  server: string,
): Promise<unknown> {
  let result = await send();
  for (let round = 0; isInputRequired(result); round++) {
    if (round >= MAX_ROUNDS) {
      throw new HubRpcError(-32603, `Server "${server}" asked for input ${MAX_ROUNDS} times without completing the request`, { server });
    }
    const inputResponses = await askClient(context, result.inputRequests ?? {});
    result = await send({ inputResponses, ...(typeof result.requestState === 'string' ? { requestState: result.requestState } : {}) });
  }
  return result;
}
