/**
 * Stops a child that leads its own process group (spawned with `detached: true` on POSIX): the
 * signal goes to the whole group, so a shell's or launcher's grandchildren stop with it. On
 * Windows, or when the group is already gone, the child alone is signalled; a child that has
 * exited is not an error.
 */
import type { ChildProcess } from 'node:child_process';

export function killProcessGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    if (child.pid !== undefined && process.platform !== 'win32') {
      process.kill(-child.pid, signal);
      return;
    }
  } catch {
    // The group is gone or not ours: fall back to the child itself.
  }
  child.kill(signal);
}
