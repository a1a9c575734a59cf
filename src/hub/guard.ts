/**
 * The one seam through which cross-cutting checks enter the hub's request path (STYLE.md, habit
 * 10): policy (allow/ask/deny, approvals), tool pinning and description scanning, secret
 * scanning of traffic, and the audit log all plug in here as CallGuards. The hub knows nothing
 * of rule syntax, SQLite or secret patterns; a guard knows nothing of upstream connections.
 *
 * Order matters and is the order of `HubOptions.guards`: each `before` runs in turn (the first
 * to throw refuses the call, later ones do not run), the call goes upstream, then each `after`
 * runs in reverse order, so the guard that saw the arguments first sees the result last.
 * With no guards the path costs nothing: the router skips all of this.
 */
import type { ServerLists } from './catalog.js';
import type { DownstreamContext } from './types.js';

/** The kinds of catalog items a guard may hide from a client. */
export type GuardedKind = 'tools' | 'prompts' | 'resources' | 'templates';

/** One catalog item as the router sees it: the namespaced item plus where it comes from. */
export interface GuardedItem {
  /** The server it belongs to (the configured name). */
  server: string;
  /** The name (or URI, for resources) the server gave it. */
  upstream: string;
  /** The item as the client would list it (namespaced name). */
  item: Record<string, unknown>;
}

/** A tools/call (or prompts/get) on its way through the hub. */
export interface GuardedCall {
  readonly method: 'tools/call' | 'prompts/get';
  /** Who is calling (DownstreamContext.client). */
  readonly client: string;
  readonly sessionId: string;
  readonly server: string;
  /** The tool's (or prompt's) name at the server. */
  readonly name: string;
  /** The name the client called it by. */
  readonly exposedName: string;
  /** The call's arguments; a guard may replace them (the upstream gets what is here after every `before`). */
  arguments: Record<string, unknown>;
  /** The calling client: a guard may ask it something (elicitation) or watch for cancellation. */
  readonly context: DownstreamContext;
  /** When the call entered the hub (ms since epoch). */
  readonly startedAt: number;
  /**
   * Facts guards leave for each other and for the audit record: decision, rule, approval id,
   * findings. Free-form on purpose; each guard documents the keys it writes.
   */
  readonly notes: Record<string, unknown>;
}

export interface CallOutcome {
  /** The upstream's result, as it will be sent (after the guards that ran before this one). */
  result?: unknown;
  /** Set instead of result when the call failed (upstream error, timeout, or a guard refused it). */
  error?: unknown;
  durationMs: number;
}

export interface CallGuard {
  /** For logs and errors: which guard refused a call. */
  readonly name: string;
  /**
   * The items of one kind this client may see. Called on every list request, so it must be cheap
   * (precompiled decisions, no I/O). Return the same array when nothing is hidden.
   */
  filter?(client: string, kind: GuardedKind, items: readonly GuardedItem[]): readonly GuardedItem[];
  /** Before the call goes upstream: throw a HubRpcError to refuse it; may await a human's answer. */
  before?(call: GuardedCall): void | Promise<void>;
  /**
   * After the call (or after a refusal by a later guard): returns the result to send on (a
   * redacted copy, say), or undefined to leave it as it is. Must not throw for bookkeeping
   * failures; the result is already paid for.
   */
  after?(call: GuardedCall, outcome: CallOutcome): unknown;
  /**
   * A server's lists were read afresh (at connect, after list_changed, after a restart). Lets a
   * guard pin and scan definitions before any client sees them; `filter` then hides what it holds.
   */
  observeLists?(server: string, lists: ServerLists): void;
  /**
   * What `filter` answers can change without any server's lists changing: a quarantine released
   * by `patchbay pins approve` in another process, say. The hub subscribes once when it is
   * created and unsubscribes when it stops; the guard calls `changed` and the hub tells every
   * client that those lists changed (notifications/…/list_changed), so they list again.
   */
  watch?(changed: (kinds: readonly GuardedKind[]) => void): () => void;
}
