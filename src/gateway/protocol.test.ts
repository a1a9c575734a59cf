import { describe, expect, it } from 'vitest';
import { shapeModernResult } from './modern-result.js';
import { negotiateLegacyVersion, readEnvelope, stripEnvelope } from './protocol.js';

describe('protocol eras', () => {
  it('reads the 2026-07-28 envelope and strips it before the hub, keeping progressToken', () => {
    const params = { name: 'x', _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': { elicitation: {} }, progressToken: 7 } };
    expect(readEnvelope(params)).toEqual({ protocolVersion: '2026-07-28', clientCapabilities: { elicitation: {} } });
    expect(stripEnvelope(params)).toEqual({ name: 'x', _meta: { progressToken: 7 } });
    expect(stripEnvelope({ name: 'y', _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } })).toEqual({ name: 'y' });
    expect(readEnvelope({ name: 'legacy', _meta: { progressToken: 1 } })).toBeUndefined();
  });

  it('answers initialize with the client version when supported, else the latest legacy one', () => {
    expect(negotiateLegacyVersion('2025-06-18')).toBe('2025-06-18');
    expect(negotiateLegacyVersion('2099-01-01')).toBe('2025-11-25');
  });

  it('shapes results for 2026-07-28 clients as the SDK codec requires', () => {
    expect(shapeModernResult('tools/list', { tools: [{ name: 'a', execution: { taskSupport: 'optional' } }] })).toEqual({ tools: [{ name: 'a' }], resultType: 'complete', ttlMs: 0, cacheScope: 'private' });
    expect(shapeModernResult('tools/call', { content: [] })).toEqual({ content: [], resultType: 'complete' });
    expect(shapeModernResult('resources/read', { contents: [], ttlMs: 5000, cacheScope: 'public' })).toMatchObject({ ttlMs: 5000, cacheScope: 'public' });
    expect(shapeModernResult('tools/call', { resultType: 'input_required', requestState: 's' })).toEqual({ resultType: 'input_required', requestState: 's' });
  });
});
