/**
 * The seam between the hub (upstream MCP servers: processes, connections, supervision, catalog)
 * and the gateway (downstream clients over Streamable HTTP or stdio). The gateway parses each
 * client message once and hands method + params here; the hub answers with a JSON-RPC result
 * or throws a HubRpcError. Messages the upstream sends back during a call (progress, logging,
 * elicitation, sampling, roots) are routed to the client that made the call through its
 * DownstreamContext. A roots/list that belongs to no call goes to a client the gateway picks
 * through its ClientDirectory; a client's notifications/roots/list_changed comes in through
 * rootsChanged and goes out to every upstream.
 */

export interface HubServerStatus {
  name: string;
  state: 'starting' | 'ready' | 'restarting' | 'failed' | 'disabled' | 'stopped';
  /** `in-process`: one of Patchbay's model-using built-in servers, run inside the hub (src/servers/in-process.ts). */
  transport: 'stdio' | 'http' | 'sse' | 'in-process';
  /** Why it is not ready, in the words `doctor` uses for the same server (upstream/diagnose.ts). */
  reason?: string;
  /** What to do about it, when known. */
  hint?: string;
  restarts: number;
  toolCount: number;
  protocolVersion?: string;
  pid?: number;
  /**
   * Items of this server withheld because another server offers the same name or URI; each
   * line names both servers and what to change. The server itself may still be ready.
   */
  collisions?: string[];
  /**
   * The server changed its tool list as it started, in answer to the capabilities Patchbay
   * declared (client-capabilities.ts): a client connecting to it directly may see other tools.
   */
  toolsAdaptToClient?: boolean;
}

/** What the hub needs from the downstream client a request came from. */
export interface DownstreamContext {
  /** Stable id of the downstream session (HTTP session id, or the stdio gateway's one session). */
  sessionId: string;
  /**
   * Who is calling: the name of the client token the request came with (`default` for the
   * hub's shared token, and for stdio and --no-auth). Policy, approvals and audit go by it.
   */
  client: string;
  /** What the client declared at initialize (legacy) or in the request's `_meta` (2026-07-28). */
  clientCapabilities: Record<string, unknown>;
  /** Aborted when the client cancels (notifications/cancelled) or disconnects. */
  signal: AbortSignal;
  /** The client's protocol version, for bridging eras. */
  protocolVersion: string;
  /**
   * The log level this client asked for: `logging/setLevel` on a 2025-era session, the request's
   * `_meta` logLevel in 2026-07-28 (absent there: the client wants no log messages).
   */
  logLevel?: string;
  /**
   * 2026-07-28 clients: asks for several inputs in one input_required round, keyed as given,
   * and resolves with the answers under the same keys (input-required.ts). Absent: the hub asks
   * with one request() per input.
   */
  input?(requests: Record<string, { method: string; params?: unknown }>): Promise<Record<string, unknown>>;
  /** Notification to this client: notifications/progress, notifications/message, ... */
  notify(method: string, params: unknown): void;
  /** Request to this client (elicitation/create, sampling/createMessage, roots/list). */
  request(method: string, params: unknown, options?: { signal?: AbortSignal }): Promise<unknown>;
}

/** A downstream client the hub may ask outside any call: the part of a DownstreamContext that needs no call. */
export type OutOfBandClient = Pick<DownstreamContext, 'sessionId' | 'request'>;

/** The gateway's view of its sessions, for a server request that belongs to no call. */
export interface ClientDirectory {
  /** The most recently active client that declared `capability` and can be sent a request now. */
  mostRecent(capability: 'roots'): OutOfBandClient | undefined;
}

export type HubEvent =
  | { type: 'list_changed'; kind: 'tools' | 'prompts' | 'resources' }
  | { type: 'resource_updated'; uri: string; sessionIds: string[] }
  | { type: 'status'; server: HubServerStatus }
  /**
   * A server's notifications/message (logging) that arrived while none of its calls was in
   * flight, so no session asked for it: the gateway may forward it to every session that set a
   * log level. `params.logger` is the server's name when the server gave none.
   */
  | { type: 'message'; server: string; params: Record<string, unknown> };

export interface Hub {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): HubServerStatus[];
  /** Capabilities to advertise downstream: the union of what the ready upstreams offer. */
  capabilities(): Record<string, unknown>;
  /**
   * Routes one request: tools/list, tools/call, prompts/*, resources/*, completion/complete,
   * logging/setLevel, ping. Namespacing, policy (allow/deny) and timeouts are applied here.
   */
  request(method: string, params: unknown, context: DownstreamContext): Promise<unknown>;
  /** A downstream session ended: drop its subscriptions and pending server-to-client requests. */
  closeSession(sessionId: string): void;
  on(listener: (event: HubEvent) => void): () => void;
  /**
   * Where a server's roots/list goes when none of that server's calls is in flight (at its
   * start-up, or after notifications/roots/list_changed). Returns a function that detaches it.
   * Optional, like rootsChanged: without a directory the hub answers "no roots" itself.
   */
  attachClients?(directory: ClientDirectory): () => void;
  /**
   * The roots a downstream client offers may have changed (it sent notifications/roots/list_changed,
   * or it just became reachable): every connected upstream is told, so it asks roots/list again.
   */
  rootsChanged?(sessionId: string): void;
}

/** A JSON-RPC error to send back to the client as is. */
export class HubRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'HubRpcError';
  }
}
