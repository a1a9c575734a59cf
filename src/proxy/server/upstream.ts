/**
 * Sends requests to model providers with undici: one Agent, which keeps a keep-alive pool per
 * origin, so a busy proxy reuses warm connections instead of paying a TCP (and TLS) handshake
 * per request. Errors say which provider and origin failed, never the full URL: Gemini-style
 * URLs can carry `?key=`.
 */
import { Agent } from 'undici';
import type { Readable } from 'node:stream';

export interface UpstreamRequest {
  url: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: string | Buffer;
  /** The body already encoded (see HttpRequestSpec.bytes); sent instead of `body`. */
  bytes?: Buffer;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

export interface UpstreamClient {
  send(request: UpstreamRequest, signal: AbortSignal): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

export interface UpstreamClientOptions {
  /** Sockets per origin. */
  connections?: number;
  /** Time to the response headers; long, because a model may think before it answers. */
  headersTimeoutMs?: number;
  /** Longest silence inside a body. */
  bodyTimeoutMs?: number;
}

/** The upstream could not be reached or broke before answering (no HTTP status). */
export class UpstreamConnectionError extends Error {
  override readonly name = 'UpstreamConnectionError';
  constructor(readonly origin: string, readonly code: string | undefined, options: { cause: unknown }) {
    super(`could not reach ${origin}${code ? ` (${code})` : ''}`, options);
  }
}

export function createUpstreamClient(options: UpstreamClientOptions = {}): UpstreamClient {
  const agent = new Agent({
    connections: options.connections ?? 256,
    keepAliveTimeout: 30_000,
    headersTimeout: options.headersTimeoutMs ?? 600_000,
    bodyTimeout: options.bodyTimeoutMs ?? 600_000,
  });
  return {
    async send(request, signal) {
      const url = new URL(request.url);
      try {
        const response = await agent.request({
          origin: url.origin,
          path: url.pathname + url.search,
          method: request.method,
          headers: request.headers,
          body: request.bytes ?? request.body,
          signal,
        });
        return { status: response.statusCode, headers: response.headers, body: response.body };
      } catch (error) {
        if (signal.aborted) throw error;
        throw new UpstreamConnectionError(url.host, errorCode(error), { cause: error });
      }
    },
    close: () => agent.close(),
  };
}

export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Reads a body as text, at most `limit` bytes (error pages can be large HTML). */
export async function readText(body: Readable, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buf = chunk as Buffer;
      if (size < limit) chunks.push(buf.subarray(0, limit - size));
      size += buf.length;
    }
  } catch {
    // A broken error body still tells us the status; keep what arrived.
  }
  return Buffer.concat(chunks).toString('utf8');
}
