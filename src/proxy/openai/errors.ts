/**
 * Upstream errors in Anthropic's terms [15, 20]. OpenAI answers `{"error":{"message","type","code"}}`,
 * but the compatible world also sends `{"error":"..."}` (Ollama), `{"detail":...}` (vLLM/FastAPI),
 * `{"message":...}`, HTML pages from gateways and load balancers ("502 Bad Gateway"), plain text, or
 * nothing. None of these may crash the proxy ("Unexpected token '<'"), and no message may echo a
 * key: provider messages like "Incorrect API key provided: sk-abc...xyz" are redacted.
 */
import type { ErrorType } from '../anthropic-types.js';
import { PatchbayError } from '../../errors.js';
import type { UpstreamErrorInfo } from '../provider.js';

/**
 * A request we cannot translate (status 400), or an error the upstream reported inside a 200 body.
 * `info` is ready to be answered as an Anthropic error body with its status.
 */
export class OpenAITranslationError extends PatchbayError {
  readonly info: UpstreamErrorInfo;
  constructor(info: UpstreamErrorInfo) {
    super('UPSTREAM', info.message);
    this.name = 'OpenAITranslationError';
    this.info = info;
  }
}

const MAX_MESSAGE = 500;

/** Anthropic's error type and status for an upstream HTTP status. */
export function errorTypeForStatus(status: number): { type: ErrorType; status: number } {
  switch (status) {
    case 400: return { type: 'invalid_request_error', status: 400 };
    case 401: return { type: 'authentication_error', status: 401 };
    case 403: return { type: 'permission_error', status: 403 };
    case 404: return { type: 'not_found_error', status: 404 };
    case 413: return { type: 'request_too_large', status: 413 };
    case 429: return { type: 'rate_limit_error', status: 429 };
    // 529 is Anthropic's own "overloaded" status; Claude Code retries it as such.
    case 503: case 529: return { type: 'overloaded_error', status: 529 };
    case 500: case 502: case 504: return { type: 'api_error', status };
    default:
      if (status >= 400 && status < 500) return { type: 'invalid_request_error', status: 400 };
      return { type: 'api_error', status: 500 };
  }
}

export function translateOpenAIError(status: number, bodyText: string, prefix = `Upstream provider returned HTTP ${status}`): UpstreamErrorInfo {
  const mapped = errorTypeForStatus(status);
  const detail = describeBody(bodyText);
  if (detail.contextLength) {
    // Claude Code recognises "prompt is too long" and compacts the conversation instead of failing.
    return { status: 400, type: 'invalid_request_error', message: safe(`prompt is too long: ${detail.text}`) };
  }
  if (detail.code === 'insufficient_quota') {
    // A 429 that retrying cannot fix: report it as a request the user must act on.
    return { status: 400, type: 'invalid_request_error', message: safe(`${prefix}: ${detail.text} (quota exhausted: check the provider account's billing)`) };
  }
  const message = detail.text.length > 0 ? `${prefix}: ${detail.text}` : `${prefix} with ${bodyText.trim().length === 0 ? 'an empty body' : 'no readable message'}`;
  return { status: mapped.status, type: mapped.type, message: safe(message) };
}

/** An `error` object found in a stream chunk or a 200 body; `code` is often the HTTP status. */
export function translateErrorObject(error: unknown): UpstreamErrorInfo {
  const record = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as Record<string, unknown>;
  const code = typeof record.code === 'number' ? record.code : typeof record.status === 'number' ? record.status : Number(record.code);
  const known = Number.isInteger(code) && code >= 400 && code < 600;
  const status = known ? code : statusForOpenAIType(record.type);
  return translateOpenAIError(status, JSON.stringify({ error: record }), known ? undefined : 'Upstream provider error');
}

function statusForOpenAIType(type: unknown): number {
  if (type === 'invalid_request_error') return 400;
  if (type === 'authentication_error') return 401;
  if (type === 'rate_limit_error' || type === 'rate_limit_exceeded') return 429;
  if (type === 'overloaded_error' || type === 'server_overloaded') return 503;
  return 500;
}

/** A body that should have been an event stream, described for an error message. */
export function notAStream(bodyText: string): UpstreamErrorInfo {
  return translateOpenAIError(502, bodyText, 'Upstream provider sent no event stream');
}

interface BodyDetail { text: string; code?: string; contextLength: boolean }

function describeBody(bodyText: string): BodyDetail {
  const trimmed = bodyText.trim();
  if (trimmed.length === 0) return { text: '', contextLength: false };
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return fromJson(JSON.parse(trimmed) as unknown);
    } catch {
      // Not JSON after all: fall through to text.
    }
  }
  if (trimmed.startsWith('<')) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(trimmed)?.[1] ?? /<h1[^>]*>([^<]*)<\/h1>/i.exec(trimmed)?.[1];
    const text = (title ?? '').replace(/\s+/g, ' ').trim();
    return { text: text.length > 0 ? `${text} (an HTML page, not an API response)` : 'an HTML page, not an API response', contextLength: false };
  }
  return withFlags(trimmed.split(/\r?\n/)[0] ?? '', undefined);
}

function fromJson(value: unknown): BodyDetail {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first !== 'object' || first === null) return withFlags(String(first), undefined);
  const record = first as Record<string, unknown>;
  const error = record.error ?? record;
  if (typeof error === 'string') return withFlags(error, undefined);
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const message = pickText(e.message) ?? pickText(record.detail) ?? pickText(record.message) ?? '';
  const code = typeof e.code === 'string' ? e.code : undefined;
  return withFlags(message, code);
}

function pickText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' && v !== null && 'msg' in v ? String((v as { msg: unknown }).msg) : JSON.stringify(v))).join('; ');
  return undefined;
}

function withFlags(text: string, code: string | undefined): BodyDetail {
  const contextLength = code === 'context_length_exceeded' || /maximum context length|context length exceeded|context_length_exceeded|too many tokens in the prompt/i.test(text);
  return { text: text.trim(), code, contextLength };
}

/** Short, and without anything that looks like a credential. */
export function safe(message: string): string {
  const redacted = message
    .replace(/\b(?:sk|rk|pk|gsk|xai)[-_][A-Za-z0-9_\-*.]{6,}/gi, '[redacted]')
    .replace(/\bBearer\s+\S+/gi, 'Bearer [redacted]')
    // Bare keys (Azure's 32 hex characters, most vendors' random tokens): long runs of letters and
    // digits. Underscored names (tools, models) are left readable.
    .replace(/\b(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{32,}\b/g, '[redacted]');
  return redacted.length > MAX_MESSAGE ? `${redacted.slice(0, MAX_MESSAGE - 1)}…` : redacted;
}
