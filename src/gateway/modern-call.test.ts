/**
 * 2026-07-28 multi round-trip requests through the dispatcher, with an in-memory hub whose tool
 * asks the client twice in a row: each question comes back as `input_required` with a fresh
 * requestState, answers resume the same upstream call, and a stale requestState is refused
 * with a message that says what to do.
 */
import { describe, expect, it } from 'vitest';
import type { DownstreamContext, Hub } from '../hub/types.js';
import { createDispatcher, type Link } from './dispatcher.js';
import type { JsonRpcRequest } from './jsonrpc.js';
import { RpcError } from './jsonrpc.js';
import { createSession } from './session.js';

function twoQuestionHub(): Hub & { closed: string[] } {
  const closed: string[] = [];
  return {
    closed,
    start: async () => undefined,
    stop: async () => undefined,
    status: () => [],
    capabilities: () => ({ tools: {} }),
    on: () => () => undefined,
    closeSession: (id) => void closed.push(id),
    async request(method: string, _params: unknown, context: DownstreamContext) {
      if (method !== 'tools/call') throw new Error(`unexpected ${method}`);
      const first = (await context.request('elicitation/create', { message: 'first name?' })) as { content: { v: string } };
      const second = (await context.request('elicitation/create', { message: 'last name?' })) as { content: { v: string } };
      return { content: [{ type: 'text', text: `${first.content.v} ${second.content.v}` }] };
    },
  };
}

const link = (): Link => ({ notify: () => undefined, sendRequest: () => false });
const envelope = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': { elicitation: {} } };

function modernSession() {
  const session = createSession('modern', '2026-07-28', `m-${Math.random()}`);
  session.clientCapabilities = { elicitation: {} };
  return session;
}

describe('input_required across rounds', () => {
  it('asks twice, resumes the same call each time, and returns the final result', async () => {
    const hub = twoQuestionHub();
    const dispatcher = createDispatcher({ hub });
    const call = (params: Record<string, unknown>, id: number): JsonRpcRequest => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 't', arguments: {}, _meta: envelope, ...params } });

    const round1 = (await dispatcher.call(modernSession(), call({}, 1), link())) as { resultType: string; inputRequests: Record<string, { method: string; params: { message: string } }>; requestState: string };
    expect(round1.resultType).toBe('input_required');
    const [key1, ask1] = Object.entries(round1.inputRequests)[0]!;
    expect(ask1).toEqual({ method: 'elicitation/create', params: { message: 'first name?' } });
    expect(dispatcher.modern.parked).toBe(1);

    const round2 = (await dispatcher.call(modernSession(), call({ inputResponses: { [key1]: { action: 'accept', content: { v: 'Ada' } } }, requestState: round1.requestState }, 2), link())) as typeof round1;
    expect(round2.resultType).toBe('input_required');
    expect(round2.requestState).not.toBe(round1.requestState);
    const [key2, ask2] = Object.entries(round2.inputRequests)[0]!;
    expect(ask2.params.message).toBe('last name?');

    const final = await dispatcher.call(modernSession(), call({ inputResponses: { [key2]: { action: 'accept', content: { v: 'Lovelace' } } }, requestState: round2.requestState }, 3), link());
    expect(final).toEqual({ content: [{ type: 'text', text: 'Ada Lovelace' }], resultType: 'complete' });
    expect(dispatcher.modern.parked).toBe(0);
    expect(hub.closed).toHaveLength(1);

    const stale = dispatcher.call(modernSession(), call({ inputResponses: {}, requestState: round1.requestState }, 4), link());
    await expect(stale).rejects.toBeInstanceOf(RpcError);
    await expect(stale).rejects.toThrow(/send the request again without requestState/);
  });

  it('refuses to ask a client that did not declare elicitation', async () => {
    const dispatcher = createDispatcher({ hub: twoQuestionHub() });
    const session = createSession('modern', '2026-07-28', 'no-caps');
    const result = dispatcher.call(session, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 't', _meta: envelope } }, link());
    await expect(result).rejects.toThrow(/did not declare the elicitation capability/);
  });

  it('a parked call that is never resumed is aborted after the timeout', async () => {
    const hub = twoQuestionHub();
    const dispatcher = createDispatcher({ hub, inputTimeoutMs: 30 });
    const first = (await dispatcher.call(modernSession(), { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 't', _meta: envelope } }, link())) as { resultType: string };
    expect(first.resultType).toBe('input_required');
    for (let i = 0; i < 100 && dispatcher.modern.parked > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(dispatcher.modern.parked).toBe(0);
    expect(hub.closed).toHaveLength(1);
  });
});
