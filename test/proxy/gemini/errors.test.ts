import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../src/proxy/gemini/errors.js';
import { geminiAdapter } from '../../../src/proxy/gemini/index.js';
import { quotaExceededBody } from '../../fixtures/upstreams/gemini.js';

const googleError = (code: number, status: string, message: string) => JSON.stringify({ error: { code, message, status } });

describe('Gemini errors → Anthropic errors', () => {
  it.each([
    [429, 'RESOURCE_EXHAUSTED', 'rate_limit_error', 429],
    [400, 'INVALID_ARGUMENT', 'invalid_request_error', 400],
    [400, 'FAILED_PRECONDITION', 'invalid_request_error', 400],
    [403, 'PERMISSION_DENIED', 'permission_error', 403],
    [401, 'UNAUTHENTICATED', 'authentication_error', 401],
    [404, 'NOT_FOUND', 'not_found_error', 404],
    [503, 'UNAVAILABLE', 'overloaded_error', 529],
    [500, 'INTERNAL', 'api_error', 500],
  ])('HTTP %i %s → %s (%i)', (status, name, type, anthropicStatus) => {
    const info = geminiAdapter.translateError(status, googleError(status, name, 'Something specific happened.'));
    expect(info).toEqual({ status: anthropicStatus, type, message: `Gemini answered HTTP ${status} ${name}: Something specific happened.` });
  });

  it('reads the error from the array form a streamed request answers with', () => {
    const info = geminiAdapter.translateError(429, `[${googleError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for metric generate_content_free_tier_requests')}]`);
    expect(info.type).toBe('rate_limit_error');
    expect(info.message).toContain('Quota exceeded');
  });

  it('handles HTML pages, plain text and empty bodies without a parse error', () => {
    const html = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';
    expect(geminiAdapter.translateError(502, html)).toEqual({ status: 502, type: 'api_error', message: 'Gemini answered HTTP 502: 502 Bad Gateway' });
    expect(geminiAdapter.translateError(503, 'upstream connect error')).toEqual({ status: 529, type: 'overloaded_error', message: 'Gemini answered HTTP 503: upstream connect error' });
    expect(geminiAdapter.translateError(500, '')).toEqual({ status: 500, type: 'api_error', message: 'Gemini answered HTTP 500 with an empty body.' });
    expect(geminiAdapter.translateError(413, '{"truncated')).toMatchObject({ status: 413, type: 'request_too_large' });
    expect(geminiAdapter.translateError(429, 'null').type).toBe('rate_limit_error');
  });

  it('never echoes an API key', () => {
    const key = 'AIzaSyD3adB33fD3adB33fD3adB33fD3adB33f0';
    const info = geminiAdapter.translateError(400, googleError(400, 'INVALID_ARGUMENT', `API key not valid. Please pass a valid API key. (key ${key}) https://x/v1beta/models?key=${key}&alt=sse`));
    expect(info.type).toBe('invalid_request_error');
    expect(info.message).not.toContain(key);
    expect(info.message).not.toContain('D3adB33f');
    expect(info.message).toContain('API key not valid');
  });

  it('reports a bad key (400 INVALID_ARGUMENT, reason API_KEY_INVALID) as an authentication error', () => {
    const body = JSON.stringify({ error: {
      code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT',
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } }],
    } });
    expect(geminiAdapter.translateError(400, body)).toEqual({
      status: 401, type: 'authentication_error', message: 'Gemini answered HTTP 400 INVALID_ARGUMENT: API key not valid. Please pass a valid API key.',
    });
  });

  it('keeps long plain-text bodies short', () => {
    const info = geminiAdapter.translateError(500, 'x'.repeat(5000));
    expect(info.message.length).toBeLessThan(600);
  });

  it("carries RetryInfo's retryDelay as retryAfterMs, in the object and the array form", () => {
    const info = geminiAdapter.translateError(429, JSON.stringify(quotaExceededBody('37s')));
    expect(info).toMatchObject({ status: 429, type: 'rate_limit_error', retryAfterMs: 37_000 });
    expect(info.message).toContain('You exceeded your current quota');
    expect(geminiAdapter.translateError(429, JSON.stringify([quotaExceededBody('1.5s')])).retryAfterMs).toBe(1_500);
    expect(geminiAdapter.translateError(429, googleError(429, 'RESOURCE_EXHAUSTED', 'x'))).not.toHaveProperty('retryAfterMs');
  });
});

describe('parseDuration (google.protobuf.Duration JSON)', () => {
  it('reads whole and fractional seconds, rounding up to the millisecond', () => {
    expect(parseDuration('37s')).toBe(37_000);
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration('0.000500001s')).toBe(1);
    expect(parseDuration('36.282456789s')).toBe(36_283);
    expect(parseDuration('0s')).toBe(0);
  });

  it('ignores what is not a Duration', () => {
    for (const value of ['37', '-1s', '1.5 s', '1m', 'soon', '', 37, null, undefined]) expect(parseDuration(value)).toBeUndefined();
  });
});
