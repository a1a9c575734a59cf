/**
 * The digest of a call's arguments that approvals are bound to and the audit log records:
 * SHA-256 (hex) over the canonical JSON of RFC 8785 (JCS), so the same arguments give the same
 * digest whatever order their keys came in, and any change of a value gives another. Computed at
 * most once per call and shared through `call.notes.argsDigest`.
 */
import { hash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { GuardedCall } from '../hub/guard.js';

export function argsDigest(args: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(args ?? {});
  } catch {
    // JCS refuses lone surrogates and non-finite numbers; JSON still tells such values apart.
    text = `!${JSON.stringify(args)}`;
  }
  // crypto.hash: one call, no Hash object (several times faster than createHash for short input).
  return hash('sha256', text ?? '', 'hex');
}

/**
 * The same digest from the arguments' JSON text (what the audit log's writer thread gets, so the
 * hashing happens there: writer.ts repeats these three lines in its worker source, and
 * test/policy/audit-sigterm.test.ts checks the two agree). Exact for arguments that came from
 * JSON: parsing their text again gives the same values.
 */
export function digestOfJson(json: string): string {
  return argsDigest(JSON.parse(json));
}

/** The digest of the arguments as the client sent them, kept in the call's notes. */
export function callDigest(call: GuardedCall): string {
  const known = call.notes.argsDigest;
  if (typeof known === 'string') return known;
  const digest = argsDigest(call.arguments);
  call.notes.argsDigest = digest;
  return digest;
}
