/**
 * Small node:http helpers for the proxy's hot path: read a body once into a Buffer under a size
 * limit, answer JSON, answer errors in Anthropic's shape
 * (https://docs.anthropic.com/en/api/errors: `{"type":"error","error":{"type","message"}}`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorType } from '../anthropic-types.js';

/** The body was larger than the configured limit; answered with 413 request_too_large. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(readonly limit: number) {
    super(`request body is larger than the proxy's limit of ${formatBytes(limit)}`);
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/**
 * Reads the whole body. A Content-Length over the limit is refused before a byte is read; a
 * chunked body (RFC 9112 §7.1) is counted as it arrives and refused when it passes the limit.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    req.resume(); // discard, so the connection can be reused
    return Promise.reject(new BodyTooLargeError(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.on('error', (error) => {
      if (!failed) { failed = true; reject(error); }
    });
  });
}

export function sendJson(res: ServerResponse, status: number, body: string, headers?: Record<string, string>): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function errorJson(type: ErrorType, message: string): string {
  return JSON.stringify({ type: 'error', error: { type, message } });
}

export function sendError(res: ServerResponse, status: number, type: ErrorType, message: string, headers?: Record<string, string>): void {
  sendJson(res, status, errorJson(type, message), headers);
}

/** The Anthropic error type a status maps to when the upstream did not say. */
export function errorTypeForStatus(status: number): ErrorType {
  switch (status) {
    case 400: return 'invalid_request_error';
    case 401: return 'authentication_error';
    case 403: return 'permission_error';
    case 404: return 'not_found_error';
    case 413: return 'request_too_large';
    case 429: return 'rate_limit_error';
    case 529: case 503: return 'overloaded_error';
    default: return status >= 400 && status < 500 ? 'invalid_request_error' : 'api_error';
  }
}
