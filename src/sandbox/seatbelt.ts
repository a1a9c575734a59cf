/**
 * macOS: a Seatbelt profile for `sandbox-exec -p`, the same policy as the bubblewrap sandbox as
 * far as Seatbelt can say it. EXPERIMENTAL AND UNTESTED: Patchbay's CI runs on Linux only, and
 * sandbox-exec is deprecated by Apple (still shipped, still used by Chrome and by Claude Code's
 * own sandbox). Differences from Linux, stated plainly:
 *   - no network namespace: the egress proxy listens on 127.0.0.1:<port> and the profile allows
 *     outbound connections to that port only (network "none" allows none);
 *   - no private /tmp: writes go to the per-user temp dir (TMPDIR), which stays writable;
 *   - no loopback port forwarding: a loopback entry in the allow list is reached through the
 *     proxy only (CONNECT), not by a direct connection.
 * Later rules win over earlier ones, so the protections come after the writable paths.
 */
import type { SandboxPolicy } from './policy.js';

export interface SeatbeltInput {
  policy: SandboxPolicy;
  /** Paths with no access at all (credentials, Patchbay's own files). */
  hidden: readonly string[];
  /** Paths never writable, even inside a writable path. */
  readOnly: readonly string[];
  /** Writable besides the policy's paths: temp dirs, the server's own cache. */
  scratch: readonly string[];
  /** The egress proxy's port on 127.0.0.1, when the policy has an allow list. */
  proxyPort?: number;
}

function quote(path: string): string {
  return `"${path.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function seatbeltProfile(input: SeatbeltInput): string {
  const lines = ['(version 1)', '(allow default)', '(deny file-write*)'];
  const writable = [...input.policy.write, ...input.scratch];
  lines.push(`(allow file-write* ${writable.map((p) => `(subpath ${quote(p)})`).join(' ')} (literal "/dev/null") (literal "/dev/tty") (regex #"^/dev/fd/"))`);
  if (input.readOnly.length > 0) lines.push(`(deny file-write* ${input.readOnly.map((p) => `(subpath ${quote(p)})`).join(' ')})`);
  if (input.hidden.length > 0) lines.push(`(deny file-read* file-write* ${input.hidden.map((p) => `(subpath ${quote(p)})`).join(' ')})`);
  lines.push('(deny network-outbound)', '(deny network-bind)', '(allow network-bind (local ip "localhost:*"))');
  if (input.proxyPort !== undefined) lines.push(`(allow network-outbound (remote ip "localhost:${input.proxyPort}"))`);
  // Unix sockets are how a process reaches agents and daemons outside: none, like on Linux.
  lines.push('(deny network-outbound (remote unix-socket))');
  return `${lines.join('\n')}\n`;
}
