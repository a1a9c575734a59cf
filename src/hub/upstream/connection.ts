/**
 * One live connection to
 * one upstream MCP server over stdio, Streamable HTTP or legacy SSE, in either protocol era
 * (initialize for 2025-11-25 and older, server/discover for 2026-07-28). It knows how the
 * server ended (exit code, signal, stderr tail, non-JSON stdout lines), which is what a user
 * needs to hear when it fails.
 */
import { SSEClientTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { expandEntry } from '../../config/registry.js';
import { isStdioEntry, type RemoteEntry, type ServerEntry, type StdioEntry } from '../../config/types.js';
import { createRecordingFetch } from './http-fetch.js';
import { createRedactor, secretValuesOf, type Redactor } from '../../secrets/redact/index.js';
import { openSession, type UpstreamLink } from './session.js';
import { createStdioTransport } from './stdio-transport.js';
import type { OAuthSession } from '../../auth/oauth/session.js';
import { oauthSessionFor } from '../../auth/oauth/for-server.js';
import type { UserAgent } from '../../auth/oauth/login.js';

/** The hub's login on demand: the browser only; the URL goes to the server's log (no tokens in it). */
async function hubUserAgent(log: ConnectOptions['log']): Promise<UserAgent> {
  const { browserUserAgent } = await import('../../auth/oauth/user-agents.js');
  const lines: string[] = [];
  const stderr = { write: (text: string) => (lines.push(text), log?.('warn', text.trimEnd()), true) } as unknown as NodeJS.WritableStream;
  return browserUserAgent({ stderr, paste: false });
}
import { sandboxServerCommand, type ServerSandbox } from '../../sandbox/for-server.js';

/** `in-process`: a built-in server in the hub's own process (in-process.ts). */
export type UpstreamTransportKind = 'stdio' | 'http' | 'sse' | 'in-process';

/** How a connection ended or failed, in facts a diagnosis can be built from. */
export interface UpstreamExit {
  /** stdio: the process exit code (null when killed by a signal). */
  exitCode?: number | null;
  signal?: string | null;
  /** stdio: the last lines the server wrote to stderr (secrets redacted). */
  stderrTail: string[];
  /** stdio: lines on stdout that were not JSON-RPC (skipped, the connection stays up); the last ones. */
  nonJsonLines: string[];
  /** stdio: the first of them, whatever came after, and how many there were. */
  firstNonJsonLine?: string;
  nonJsonCount?: number;
  /** stdio: text on stdout with no newline yet that is not JSON (a prompt waiting for an answer). */
  unterminatedStdout?: { head: string; bytes: number };
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
  /**
   * Instead of a signal: receives a function that cancels the request (notifications/cancelled,
   * then a rejection). A caller that keeps its own timer (the hub's callUpstream) uses it to skip
   * an AbortController and the connection's backstop timer per call.
   */
  bindCancel?: (cancel: (reason: unknown) => void) => void;
  /**
   * 2026-07-28 upstreams only: the calling client's capabilities and log level, sent in the
   * request's `_meta` envelope in place of Patchbay's own. Ignored on 2025-era connections.
   */
  envelope?: { clientCapabilities?: Record<string, unknown>; logLevel?: string };
  /** The downstream client making the call; only an in-process server is told (in-process.ts). */
  client?: string;
}

/** An open 2026-07-28 `subscriptions/listen` stream to an upstream. */
export interface UpstreamSubscription {
  /** What the server agreed to send (notifications/subscriptions/acknowledged). */
  honored: Record<string, unknown>;
  close(): Promise<void>;
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
  /**
   * 2026-07-28: opens a `subscriptions/listen` stream (SEP-2575); its notifications arrive on
   * onNotification like any other. `onEnd` hears how it ended ('graceful', 'remote', 'local').
   */
  listen?(filter: Record<string, unknown>, onEnd?: (how: string) => void): Promise<UpstreamSubscription>;
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
  /** Environment for a stdio server (see the hub's environment policy); default process.env. The entry's `env` is laid over it. */
  env?: NodeJS.ProcessEnv;
  /** Receives every stderr line and lifecycle event, for the per-server log. */
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
  /** Capabilities Patchbay advertises to the server (elicitation, sampling, roots): the hub passes what its clients offer. Default none. */
  clientCapabilities?: Record<string, unknown>;
  /**
   * 'auto' probes server/discover (2026-07-28) and falls back to initialize; '2026-07-28' pins
   * that revision; '2025-11-25' (or 'legacy') always initializes. Default 'auto' for http,
   * 'legacy' for stdio and sse (an entry's `patchbay.protocol` overrides it).
   */
  negotiation?: 'auto' | 'legacy' | '2026-07-28' | '2025-11-25';
  /** Default per-request timeout when a request gives none (the SDK's default is 60 s). */
  requestTimeoutMs?: number;
  /** stdio: wait this long after closing stdin, and again after SIGTERM, before escalating. Default 2000 ms. */
  closeGraceMs?: number;
  /** More values to mask in stderr, logs and errors: what `${secret:…}` and `${cmd:…}` resolved to. */
  secretValues?: readonly string[];
  /** http/sse: the server's OAuth login (src/auth/oauth/): its token is added, refreshed on 401, stepped up on 403. */
  oauth?: OAuthSession;
  /** On a 401, start a browser login (the hub, when a browser can open; never a paste from stdin, which may be the MCP channel). */
  oauthLogin?: boolean;
}

/** Connects and completes the handshake; on failure throws an UpstreamConnectError. */
export async function connectUpstream(name: string, entry: ServerEntry, options: ConnectOptions): Promise<UpstreamConnection> {
  const env = options.env ?? process.env;
  const { entry: expanded } = expandEntry(entry, env);
  const redact = createRedactor([...secretValuesOf(expanded), ...(options.secretValues ?? [])]);
  let link: UpstreamLink;
  try {
    // A sandboxed entry runs inside bubblewrap; when none can run it does not run at all.
    const sandbox = isStdioEntry(expanded) ? await sandboxServerCommand({ name, entry: expanded, cwd: options.cwd, env: definedEnv({ ...env, ...expanded.env }), log: options.log }) : undefined;
    // A remote server gets its stored OAuth login, if any (src/auth/oauth/for-server.ts).
    const oauth = isStdioEntry(expanded) ? undefined : (options.oauth ?? (await oauthSessionFor(name, expanded, options.oauthLogin ? { userAgent: await hubUserAgent(options.log) } : {}).catch(() => undefined)));
    link = isStdioEntry(expanded) ? stdioLink(name, expanded, env, redact, options, sandbox) : httpLink(expanded, { ...options, oauth });
  } catch (error) {
    // new URL() on a malformed url, or a sandbox that cannot run: nothing was started.
    const exit: UpstreamExit = { stderrTail: [], nonJsonLines: [], error: redactError(error, redact) };
    throw new UpstreamConnectError(`${name}: ${describeExit(exit, options.timeoutMs)}`, exit);
  }
  const started = Date.now();
  try {
    return await openSession(name, link, options);
  } catch (error) {
    const before = link.facts();
    // Still running when the handshake gave up: the server did not answer in time (its exit
    // code after this is ours, from the shutdown below, not its own).
    const stillUp = before.exitCode === undefined && !before.signal && !before.error;
    const timedOut = stillUp && (Date.now() - started >= options.timeoutMs - 5 || isTimeout(error));
    // Stop whatever is left (a hung process, an open stream), then read the facts: for a process
    // that exited, its exit code and last stderr lines are only complete once it is gone.
    await link.transport.close().catch(() => undefined);
    await link.closed();
    const facts = link.facts();
    const exit: UpstreamExit = {
      ...facts,
      // Killed by our own shutdown: that exit status says nothing about the server.
      ...(stillUp ? { exitCode: undefined, signal: undefined } : {}),
      // The recorded fetch error quotes the URL whole, credentials included (issue 9, item 3).
      error: redactError(facts.error ?? error, redact),
      ...(timedOut ? { timedOut: true } : {}),
    };
    throw new UpstreamConnectError(`${name}: ${describeExit(exit, options.timeoutMs)}`, exit);
  }
}

function stdioLink(name: string, entry: StdioEntry, env: NodeJS.ProcessEnv, redact: Redactor, options: ConnectOptions, sandbox?: ServerSandbox): UpstreamLink {
  const maxMessageMb = entry.patchbay?.maxMessageMb;
  const transport = createStdioTransport({
    serverName: name,
    ...(maxMessageMb !== undefined ? { maxMessageBytes: Math.floor(maxMessageMb * 1024 * 1024) } : {}),
    command: sandbox?.command ?? entry.command,
    args: sandbox?.args ?? entry.args ?? [],
    cwd: options.cwd,
    env: sandbox?.env ?? { ...env, ...entry.env },
    redact,
    log: options.log,
    closeGraceMs: options.closeGraceMs,
  });
  if (sandbox) void transport.exited.then(() => sandbox.close());
  return {
    kind: 'stdio',
    transport,
    pid: () => transport.pid,
    facts: () => transport.facts(),
    closed: () => transport.exited,
  };
}

function httpLink(entry: RemoteEntry, options: ConnectOptions): UpstreamLink {
  const recording = createRecordingFetch();
  const url = new URL(entry.url);
  const requestInit: RequestInit = { headers: { ...entry.headers } };
  const fetcher = options.oauth ? options.oauth.wrapFetch(recording.fetch) : recording.fetch;
  const transport =
    entry.type === 'sse'
      ? new SSEClientTransport(url, { fetch: fetcher, requestInit })
      : new StreamableHTTPClientTransport(url, { fetch: fetcher, requestInit });
  options.log?.('info', `connecting to ${url.origin}${url.pathname} (${entry.type})`);
  return {
    kind: entry.type,
    transport,
    pid: () => undefined,
    facts: () => ({ stderrTail: [], nonJsonLines: [], ...recording.facts() }),
    closed: async () => undefined,
    // Streamable HTTP (2025-11-25, basic/transports "Session Management"): a client that no
    // longer needs its session SHOULD DELETE it, so the server can free it. Bounded: a server
    // that does not answer must not hold up a shutdown.
    beforeClose: async () => {
      if (!(transport instanceof StreamableHTTPClientTransport) || !transport.sessionId) return;
      await Promise.race([transport.terminateSession(), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    },
  };
}

function isTimeout(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; name?: unknown };
  return e?.code === 'REQUEST_TIMEOUT' || e?.name === 'TimeoutError' || /timed? ?out/i.test(String(e?.message ?? ''));
}

function redactError(error: unknown, redact: Redactor): Error {
  const e = error instanceof Error ? error : new Error(String(error));
  // The cause keeps the network error code (ECONNREFUSED, ENOTFOUND) that fetch wraps.
  const clean = new Error(redact(e.message), e.cause !== undefined ? { cause: e.cause } : undefined);
  clean.name = e.name;
  const code = (e as { code?: unknown }).code;
  if (code !== undefined) Object.assign(clean, { code });
  const hint = (e as { hint?: unknown }).hint;
  if (typeof hint === 'string') Object.assign(clean, { hint: redact(hint) });
  return clean;
}

function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) out[name] = value;
  return out;
}

/** One line for logs and error messages; the probe turns the same facts into advice. */
export function describeExit(exit: UpstreamExit, timeoutMs?: number): string {
  const cause = exit.error as (Error & { code?: unknown; cause?: { code?: unknown } }) | undefined;
  if (exit.timedOut) return `no answer within ${timeoutMs ?? '?'} ms`;
  if (exit.signal) return `exited on ${exit.signal}`;
  if (typeof exit.exitCode === 'number') return `exited with code ${exit.exitCode}`;
  if (exit.needsAuth) return `needs authentication (HTTP ${exit.httpStatus})`;
  if (exit.httpStatus) return `HTTP ${exit.httpStatus}`;
  if (cause?.code === 'ENOENT') return `command not found (${cause.message})`;
  const netCode = cause?.cause?.code;
  if (typeof netCode === 'string') return `${netCode}: ${cause?.message}`;
  return cause?.message ?? 'connection failed';
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
