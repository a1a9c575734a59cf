/**
 * Gemini errors → Anthropic errors. Gemini answers `{"error": {"code", "message", "status"}}`
 * with a google.rpc status name (https://ai.google.dev/gemini-api/docs/troubleshooting); proxies
 * and load balancers in front of it answer HTML or plain text, and a dropped connection answers
 * nothing. Each becomes the Anthropic error type and HTTP status a client knows how to handle
 * (https://docs.anthropic.com/en/api/errors): 429 to back off, 529 to retry later, 4xx to fix.
 */
import type { ErrorType } from '../anthropic-types.js';
import { PatchbayError } from '../../errors.js';
import type { UpstreamErrorInfo } from '../provider.js';

const BY_STATUS_NAME: Record<string, { type: ErrorType; status: number }> = {
  INVALID_ARGUMENT: { type: 'invalid_request_error', status: 400 },
  FAILED_PRECONDITION: { type: 'invalid_request_error', status: 400 },
  OUT_OF_RANGE: { type: 'invalid_request_error', status: 400 },
  UNAUTHENTICATED: { type: 'authentication_error', status: 401 },
  PERMISSION_DENIED: { type: 'permission_error', status: 403 },
  NOT_FOUND: { type: 'not_found_error', status: 404 },
  RESOURCE_EXHAUSTED: { type: 'rate_limit_error', status: 429 },
  CANCELLED: { type: 'api_error', status: 500 },
  INTERNAL: { type: 'api_error', status: 500 },
  UNKNOWN: { type: 'api_error', status: 500 },
  DATA_LOSS: { type: 'api_error', status: 500 },
  UNAVAILABLE: { type: 'overloaded_error', status: 529 },
  DEADLINE_EXCEEDED: { type: 'api_error', status: 504 },
};

/**
 * Google reports a bad key as 400 INVALID_ARGUMENT with an ErrorInfo reason of API_KEY_INVALID;
 * the client must see an authentication error (fix the key), not a bad request (fix the request).
 */
const BY_REASON: Record<string, { type: ErrorType; status: number }> = {
  API_KEY_INVALID: { type: 'authentication_error', status: 401 },
  API_KEY_EXPIRED: { type: 'authentication_error', status: 401 },
  API_KEY_SERVICE_BLOCKED: { type: 'permission_error', status: 403 },
};

const MAX_MESSAGE = 500;

export function translateGeminiError(status: number, bodyText: string): UpstreamErrorInfo {
  const parsed = parseGoogleError(bodyText);
  const mapped = (parsed?.reason && BY_REASON[parsed.reason]) || (parsed?.status && BY_STATUS_NAME[parsed.status]) || byHttpStatus(parsed?.code ?? status);
  const detail = parsed?.message ?? plainText(bodyText);
  const where = `Gemini answered HTTP ${status}${parsed?.status ? ` ${parsed.status}` : ''}`;
  const info: UpstreamErrorInfo = { status: mapped.status, type: mapped.type, message: redact(detail ? `${where}: ${detail}` : `${where} with an empty body.`) };
  if (parsed?.retryAfterMs !== undefined) info.retryAfterMs = parsed.retryAfterMs;
  return info;
}

/**
 * An answer the client cannot use, found in a 200 response (see finish.ts). `info` is the
 * Anthropic error to answer with (the proxy server reads `info` from any thrown adapter error).
 */
export class GeminiOutputError extends PatchbayError {
  readonly info: UpstreamErrorInfo;
  constructor(info: UpstreamErrorInfo) {
    super('UPSTREAM', info.message, { hint: 'Retry the request; if it keeps failing, try another model.' });
    this.name = 'GeminiOutputError';
    this.info = info;
  }
}

interface GoogleError { code?: number; message?: string; status?: string; reason?: string; retryAfterMs?: number }

function parseGoogleError(bodyText: string): GoogleError | undefined {
  let value: unknown;
  try { value = JSON.parse(bodyText); } catch { return undefined; }
  // The REST API sends an object; some gateways wrap it in an array (as a streamed body would be).
  if (Array.isArray(value)) value = value[0];
  const error = value && typeof value === 'object' ? (value as { error?: unknown }).error : undefined;
  if (!error || typeof error !== 'object') return undefined;
  const { code, message, status, details } = error as Record<string, unknown>;
  const list = Array.isArray(details) ? details.filter((d): d is Record<string, unknown> => typeof d === 'object' && d !== null) : [];
  const reason = list.map((d) => d.reason).find((r): r is string => typeof r === 'string');
  const retryInfo = list.find((d) => d['@type'] === RETRY_INFO);
  return {
    code: typeof code === 'number' ? code : undefined,
    message: typeof message === 'string' ? message : undefined,
    status: typeof status === 'string' ? status : undefined,
    reason,
    retryAfterMs: retryInfo ? parseDuration(retryInfo.retryDelay) : undefined,
  };
}

/**
 * A 429 from Gemini says when to come back in `details[]`, not in a retry-after header:
 * `{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "37s"}`
 * (https://github.com/googleapis/googleapis/blob/master/google/rpc/error_details.proto).
 */
const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';

/**
 * A google.protobuf.Duration in its JSON form: seconds with up to nine fractional digits and an
 * "s" suffix ("37s", "1.5s", "0.000500s"), in milliseconds rounded up; undefined for anything else.
 * (https://protobuf.dev/reference/protobuf/google.protobuf/#duration)
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+)(?:\.(\d{1,9}))?s\s*$/.exec(value);
  if (!match) return undefined;
  const nanos = Number((match[2] ?? '').padEnd(9, '0'));
  return Number(match[1]) * 1000 + Math.ceil(nanos / 1_000_000);
}

function byHttpStatus(status: number): { type: ErrorType; status: number } {
  if (status === 400) return { type: 'invalid_request_error', status: 400 };
  if (status === 401) return { type: 'authentication_error', status: 401 };
  if (status === 403) return { type: 'permission_error', status: 403 };
  if (status === 404) return { type: 'not_found_error', status: 404 };
  if (status === 413) return { type: 'request_too_large', status: 413 };
  if (status === 429) return { type: 'rate_limit_error', status: 429 };
  if (status === 503 || status === 529) return { type: 'overloaded_error', status: 529 };
  if (status >= 400 && status < 500) return { type: 'invalid_request_error', status };
  return { type: 'api_error', status: status >= 500 && status < 600 ? status : 502 };
}

/** An HTML error page becomes its title or its text, short, instead of a parse error. */
function plainText(bodyText: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(bodyText)?.[1];
  const text = (title ?? bodyText.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

/**
 * Google echoes a bad key back ("API key not valid… key=AIza…" in some messages, or in a URL):
 * anything shaped like a Google API key or a key= parameter is masked before it reaches a client.
 */
export function redact(message: string): string {
  return message
    .replace(/AIza[0-9A-Za-z_-]{20,}/g, 'AIza…[redacted]')
    .replace(/([?&](?:key|api_key|apiKey)=)[^&\s"']+/g, '$1[redacted]');
}
