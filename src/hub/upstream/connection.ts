/**
 * CONTRACT (filled in by the probe work, used by the probe and the hub): one live connection to
 * one upstream MCP server over stdio, Streamable HTTP or legacy SSE, in either protocol era
 * (initialize for 2025-11-25 and older, server/discover for 2026-07-28). It knows how the
 * server ended (exit code, signal, stderr tail, non-JSON stdout lines), which is what a user
 * needs to hear when it fails.
 */
import { PatchbayError } from '../../errors.js';
import type { ServerEntry } from '../../config/types.js';

export type UpstreamTransportKind = 'stdio' | 'http' | 'sse';

/** How a connection ended or failed, in facts a diagnosis can be built from. */
export interface UpstreamExit {
  /** stdio: the process exit code (null when killed by a signal). */
  exitCode?: number | null;
  signal?: string | null;
  /** stdio: the last lines the server wrote to stderr (secrets redacted). */
  stderrTail: string[];
  /** stdio: lines on stdout that were not JSON-RPC (skipped, the connection stays up). */
  nonJsonLines: string[];
  /** http/sse: the HTTP status of the failing response, and whether it asked for auth. */
  httpStatus?: number;
  needsAuth?: boolean;
  /** The underlying error (spawn ENOENT, ECONNREFUSED, timeout, ...). */
  error?: Error;
  timedOut?: boolean;
}

export interface RequestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** notifications/progress for this request's progress token. */
  onProgress?: (params: Record<string, unknown>) => void;
}

export interface UpstreamConnection {
  readonly name: string;
  readonly transport: UpstreamTransportKind;
  readonly serverInfo: { name: string; version: string } | undefined;
  readonly protocolVersion: string | undefined;
  readonly capabilities: Record<string, unknown>;
  readonly pid: number | undefined;
  /** A JSON-RPC request; resolves with its result, rejects with the server's JSON-RPC error. */
  request(method: string, params?: unknown, options?: RequestOptions): Promise<unknown>;
  notify(method: string, params?: unknown): Promise<void>;
  /** Server-to-client notifications (list_changed, resources/updated, message, ...). */
  onNotification?: (method: string, params: unknown) => void;
  /** Server-to-client requests (elicitation/create, sampling/createMessage, roots/list). */
  onRequest?: (method: string, params: unknown, signal: AbortSignal) => Promise<unknown>;
  /** The connection ended (process exit, stream closed, or close() called). */
  onClose?: (exit: UpstreamExit) => void;
  /** Facts gathered so far (stderr tail, non-JSON lines), also while still connected. */
  diagnostics(): UpstreamExit;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Time allowed for spawn + handshake. */
  timeoutMs: number;
  cwd?: string;
  /** Environment for a stdio server (see the hub's environment policy). */
  env?: NodeJS.ProcessEnv;
  /** Receives every stderr line and lifecycle event, for the per-server log. */
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}

/** Connects and completes the handshake; on failure throws an UpstreamConnectError. */
export async function connectUpstream(
  _name: string,
  _entry: ServerEntry,
  _options: ConnectOptions,
): Promise<UpstreamConnection> {
  throw new PatchbayError('NOT_IMPLEMENTED', 'connectUpstream is not implemented yet');
}

export class UpstreamConnectError extends Error {
  constructor(
    message: string,
    readonly exit: UpstreamExit,
  ) {
    super(message);
    this.name = 'UpstreamConnectError';
  }
}
