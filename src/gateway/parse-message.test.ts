import { describe, expect, it } from 'vitest';
import { errorResponse, RawId, resultResponse } from './jsonrpc.js';
import { topLevelScalar } from '../hub/json-scan.js';
import { parseClientMessage, tooDeepAt } from './parse-message.js';

describe('parseClientMessage', () => {
  it('keeps the text of an id JSON.parse cannot hold, and only then', () => {
    const big = parseClientMessage('{"jsonrpc":"2.0","method":"ping","params":{"id":1},"id":123456789012345678901234567890}');
    expect(big.kind).toBe('request');
    const id = (big as { id: unknown }).id;
    expect(id).toBeInstanceOf(RawId);
    expect(resultResponse(id as RawId, {})).toBe('{"jsonrpc":"2.0","id":123456789012345678901234567890,"result":{}}');
    expect(errorResponse(id as RawId, -1, 'x')).toContain('"id":123456789012345678901234567890,');
    expect((parseClientMessage('{"jsonrpc":"2.0","id":7,"method":"ping"}') as { id: unknown }).id).toBe(7);
    expect((parseClientMessage('{"jsonrpc":"2.0","id":"abc","method":"ping"}') as { id: unknown }).id).toBe('abc');
    expect(((parseClientMessage('{"jsonrpc":"2.0","id":1.5e400,"method":"ping"}') as { id: RawId }).id).json).toBe('1.5e400');
  });

  it('finds the top-level member, not one nested or inside a string', () => {
    const text = '{"params":{"id":1,"s":"\\"id\\":2"},"x":"{\\"id\\":3","id" : -98765432109876543210}';
    expect(topLevelScalar(text, 'id')).toBe('-98765432109876543210');
    expect(topLevelScalar('{"a":[{"id":1}]}', 'id')).toBeUndefined();
    expect(topLevelScalar('{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"xxxx', 'method')).toBe('"notifications/message"');
    expect(topLevelScalar('{"jsonrpc":"2.0","id":"a\\"b","res', 'id')).toBe('"a\\"b"');
  });

  it('refuses what is not JSON-RPC 2.0 with a reason', () => {
    const cases: Array<[string, number, string]> = [
      ['not json', -32700, 'not valid JSON'],
      ['[{"jsonrpc":"2.0","id":1,"method":"ping"}]', -32600, 'batches are not supported'],
      ['"ping"', -32600, 'must be a JSON object'],
      ['{"id":1,"method":"ping"}', -32600, '"jsonrpc" must be "2.0" and is missing'],
      ['{"jsonrpc":"2.0","id":{},"method":"ping"}', -32600, '"id" must be a string or a number'],
      ['{"jsonrpc":"2.0","id":1,"method":"ping","params":5}', -32600, '"params" must be an object'],
      ['{"jsonrpc":"2.0"}', -32600, 'not a JSON-RPC 2.0 request'],
    ];
    for (const [text, code, reason] of cases) {
      const parsed = parseClientMessage(text);
      expect(parsed.kind, text).toBe('error');
      expect((parsed as { code: number }).code, text).toBe(code);
      expect((parsed as { error: string }).error, text).toContain(reason);
    }
  });

  it('refuses params and results nested past the limit, without recursing', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const request = parseClientMessage(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"arguments":{"list":${deep}}}}`);
    expect(request).toMatchObject({ kind: 'error', code: -32602, id: 1 });
    expect((request as { error: string }).error).toContain('at params.arguments.list.0.0.…');
    expect(parseClientMessage(`{"jsonrpc":"2.0","method":"notifications/x","params":{"a":${deep}}}`).kind).toBe('error');
    expect(parseClientMessage(`{"jsonrpc":"2.0","id":1,"result":{"a":${deep}}}`)).toMatchObject({ kind: 'error', code: -32600 });
    expect(tooDeepAt({ a: { b: { c: 1 } } }, 'params', 3)).toBeUndefined();
    expect(tooDeepAt({ a: { b: { c: {} } } }, 'params', 3)).toBe('at params.a.b.c');
  });
});
