/**
 * Case 15 (and the error half of 20): upstream error bodies as Anthropic errors with the right
 * status, from the shapes real servers send — OpenAI JSON, Ollama's string error, vLLM/FastAPI's
 * `detail`, gateway HTML pages, plain text and empty bodies — never a parse crash, never a key.
 */
import { describe, expect, it } from 'vitest';
import { openaiAdapter } from '../../../src/proxy/openai/index.js';

const translate = openaiAdapter.translateError;
const openAIError = (message: string, type: string, code: string | null = null) => JSON.stringify({ error: { message, type, param: null, code } });

describe('case 15: status → Anthropic error type', () => {
  it.each([
    [400, 400, 'invalid_request_error'],
    [401, 401, 'authentication_error'],
    [403, 403, 'permission_error'],
    [404, 404, 'not_found_error'],
    [413, 413, 'request_too_large'],
    [429, 429, 'rate_limit_error'],
    [500, 500, 'api_error'],
    [502, 502, 'api_error'],
    [504, 504, 'api_error'],
    [503, 529, 'overloaded_error'],
    [529, 529, 'overloaded_error'],
    [422, 400, 'invalid_request_error'],
    [408, 400, 'invalid_request_error'],
    [501, 500, 'api_error'],
  ])('HTTP %i → %i %s', (status, expectedStatus, type) => {
    const info = translate(status, openAIError('something failed', 'server_error'));
    expect(info).toEqual({ status: expectedStatus, type, message: `Upstream provider returned HTTP ${status}: something failed` });
  });
});

describe('case 15: body shapes', () => {
  it('reads an OpenAI error', () => {
    expect(translate(404, openAIError('The model `gpt-9` does not exist or you do not have access to it.', 'invalid_request_error', 'model_not_found'))).toEqual({
      status: 404, type: 'not_found_error', message: 'Upstream provider returned HTTP 404: The model `gpt-9` does not exist or you do not have access to it.',
    });
  });

  it("reads Ollama's string error and vLLM's detail", () => {
    expect(translate(404, '{"error":"model \\"llama9\\" not found, try pulling it first"}').message).toBe('Upstream provider returned HTTP 404: model "llama9" not found, try pulling it first');
    expect(translate(400, '{"detail":[{"loc":["body","messages"],"msg":"Field required","type":"missing"}]}').message).toBe('Upstream provider returned HTTP 400: Field required');
    expect(translate(400, '{"object":"error","message":"max_tokens is too large","type":"BadRequestError","code":400}').message).toBe('Upstream provider returned HTTP 400: max_tokens is too large');
  });

  it('reads an HTML page without a JSON parse crash', () => {
    const html = '<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n</body>\r\n</html>';
    expect(translate(504, html)).toEqual({ status: 504, type: 'api_error', message: 'Upstream provider returned HTTP 504: 504 Gateway Time-out (an HTML page, not an API response)' });
    expect(translate(403, '<!DOCTYPE html><html><body><h1>Access denied</h1></body></html>').message).toBe('Upstream provider returned HTTP 403: Access denied (an HTML page, not an API response)');
  });

  it('reads plain text and broken JSON', () => {
    expect(translate(502, 'upstream connect error or disconnect/reset before headers. reset reason: overflow\n')).toEqual({
      status: 502, type: 'api_error', message: 'Upstream provider returned HTTP 502: upstream connect error or disconnect/reset before headers. reset reason: overflow',
    });
    expect(translate(500, '{"error": {"message": "trunc').message).toBe('Upstream provider returned HTTP 500: {"error": {"message": "trunc');
  });

  it('says so when the body is empty', () => {
    expect(translate(503, '')).toEqual({ status: 529, type: 'overloaded_error', message: 'Upstream provider returned HTTP 503 with an empty body' });
    expect(translate(429, '  \n')).toEqual({ status: 429, type: 'rate_limit_error', message: 'Upstream provider returned HTTP 429 with an empty body' });
  });

  it('never echoes an API key', () => {
    const keys = ['sk-proj-AbCdEf1234567890AbCdEf1234567890', 'sk-or-v1-0123456789abcdef0123456789abcdef', 'gsk_AbCdEf1234567890AbCdEf12345678', '0123456789abcdef0123456789abcdef'];
    for (const key of keys) {
      const info = translate(401, openAIError(`Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', 'invalid_api_key'));
      expect(info.type).toBe('authentication_error');
      expect(info.message).not.toContain(key);
      expect(info.message).toContain('Incorrect API key provided: [redacted]');
    }
    expect(translate(400, 'bad header Authorization: Bearer abc.def.ghi').message).toBe('Upstream provider returned HTTP 400: bad header Authorization: Bearer [redacted]');
  });

  it('leaves long tool and model names readable', () => {
    const name = 'mcp__github_enterprise_server__list_pull_requests_v2';
    expect(translate(400, openAIError(`Invalid 'tools[3].function.name': ${name}`, 'invalid_request_error')).message).toContain(name);
  });

  it('keeps messages short', () => {
    expect(translate(500, 'x '.repeat(5000)).message.length).toBeLessThanOrEqual(500);
  });
});

describe('case 15: errors a client acts on', () => {
  it('reports a context overflow as "prompt is too long", which Claude Code answers by compacting', () => {
    const info = translate(400, openAIError("This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens.", 'invalid_request_error', 'context_length_exceeded'));
    expect(info).toEqual({ status: 400, type: 'invalid_request_error', message: "prompt is too long: This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens." });
  });

  it('does not report an exhausted quota as a retryable rate limit', () => {
    const info = translate(429, openAIError('You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', 'insufficient_quota'));
    expect(info.status).toBe(400);
    expect(info.type).toBe('invalid_request_error');
    expect(info.message).toContain('quota exhausted');
  });
});
