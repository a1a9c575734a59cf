/**
 * What the audit log records, and the one seam everything that produces an audit event writes
 * to (STYLE.md, habit 10): policy decisions and approvals, the hub's calls, pin changes and
 * quarantines, secrets found in traffic. Producers call `record` and move on: it must never
 * throw or block the request path (the SQLite store batches off it). Values are never recorded
 * here unless the user turned argument recording on, and then only redacted.
 */

export type AuditKind =
  | 'call' // a tools/call or prompts/get, with its decision and outcome
  | 'decision' // a policy decision that did not lead to a call (a denied list entry, say)
  | 'approval' // a human's answer to an ask (or its timeout)
  | 'list_changed' // a server's tools/prompts/templates changed
  | 'quarantine' // a definition held back (changed pin, scan finding) or released
  | 'secret'; // a secret found in arguments or results (rule id only)

export interface AuditEvent {
  /** ms since epoch. */
  time: number;
  kind: AuditKind;
  client?: string;
  server?: string;
  /** The tool (or prompt) name at the server. */
  tool?: string;
  decision?: 'allow' | 'ask' | 'deny';
  /** The rule that made the decision, as written (`mcp__github__*`, `defaultMode`, …). */
  rule?: string;
  approvalId?: string;
  durationMs?: number;
  /** ok, error, denied, timeout, quarantined, released, redacted, blocked, … */
  outcome?: string;
  resultBytes?: number;
  /** SHA-256 (hex) of the canonical JSON (RFC 8785) of the arguments. */
  argsDigest?: string;
  /** The arguments, redacted, only when the user turned recording on. */
  args?: string;
  /** A short human-readable line: what changed, which rule matched, why it failed. */
  detail?: string;
}

export interface AuditSink {
  record(event: AuditEvent): void;
}

/** For code paths that run without an audit log (tests of one part, `patchbay scan`). */
export const NO_AUDIT: AuditSink = { record: () => undefined };
