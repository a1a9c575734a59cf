/**
 * The digest of a call's arguments that approvals are bound to and the audit log records:
 * SHA-256 (hex) over the canonical JSON of RFC 8785 (JCS), so the same arguments give the same
 * digest whatever order their keys came in, and any change of a value gives another. Computed at
 * most once per call and shared through `call.notes.argsDigest`.
 */
import { createHash } from 'node:crypto';
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
  return createHash('sha256').update(text ?? '').digest('hex');
}

/** The digest of the arguments as the client sent them, kept in the call's notes. */
export function callDigest(call: GuardedCall): string {
  const known = call.notes.argsDigest;
  if (typeof known === 'string') return known;
  const digest = argsDigest(call.arguments);
  call.notes.argsDigest = digest;
  return digest;
}
