/**
 * CONTRACT (filled in by the probe work): one health check of one server, as `patchbay mcp list`
 * and `patchbay doctor` run it: connect, initialize (or server/discover), tools/list, within a
 * timeout, and when it fails say why in words a user can act on.
 */
import { PatchbayError } from '../errors.js';
import type { ScopedServer } from '../config/types.js';

export type ProbeStatus = 'connected' | 'failed' | 'needs-auth' | 'pending-approval' | 'disabled';

export interface ProbeResult {
  name: string;
  status: ProbeStatus;
  /** One line: "exited with code 1", "HTTP 404 Not Found", "no answer within 5000 ms", ... */
  reason?: string;
  /** Supporting lines: last stderr lines, the first non-JSON stdout line, missing variables. */
  details?: string[];
  /** What to do about it. */
  hint?: string;
  serverName?: string;
  serverVersion?: string;
  protocolVersion?: string;
  toolCount?: number;
  durationMs: number;
}

export interface ProbeOptions {
  timeoutMs: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export async function probeServer(_server: ScopedServer, _options: ProbeOptions): Promise<ProbeResult> {
  throw new PatchbayError('NOT_IMPLEMENTED', 'probeServer is not implemented yet');
}
