/**
 * Turns the facts of how a connection ended into the one line a user reads in `status()`,
 * in the log, and in the JSON-RPC error of a call that was in flight: which server, how it
 * ended (exit code, signal, HTTP status), and the last thing it said on stderr.
 */
import type { UpstreamExit } from './upstream/connection.js';

export function describeExit(exit: UpstreamExit | undefined): string {
  if (!exit) return 'closed';
  const parts: string[] = [];
  if (exit.timedOut) parts.push('did not answer in time');
  if (exit.signal) parts.push(`was killed by ${exit.signal}`);
  else if (typeof exit.exitCode === 'number') parts.push(`exited with code ${exit.exitCode}`);
  if (exit.httpStatus !== undefined) parts.push(`answered HTTP ${exit.httpStatus}`);
  if (exit.needsAuth) parts.push('needs authentication');
  const code = (exit.error as NodeJS.ErrnoException | undefined)?.code;
  if (parts.length === 0 && code === 'ENOENT') {
    parts.push(`${exit.error!.message}: the command was not found; install it or give its full path in the entry`);
  } else if (parts.length === 0 && exit.error) parts.push(exit.error.message);
  if (parts.length === 0) parts.push('closed the connection');
  const lastStderr = exit.stderrTail.filter((line) => line.trim() !== '').at(-1);
  if (lastStderr) parts.push(`last stderr line: ${JSON.stringify(truncate(lastStderr.trim(), 300))}`);
  return parts.join('; ');
}

/** Whether trying again cannot help: the command is missing, the server wants a login, its sandbox cannot run, or an in-process server's flags are wrong. */
export function isPermanent(exit: UpstreamExit | undefined): boolean {
  if (!exit) return false;
  if (exit.needsAuth) return true;
  const code = (exit.error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'EACCES' || code === 'SANDBOX_UNAVAILABLE' || code === 'SANDBOX_INVALID' || code === 'IN_PROCESS_START';
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
