/**
 * Every upstream child process still alive, so that when Patchbay itself exits (normally or by
 * an uncaught error) none is left behind: children lead their own process group, so a terminal's
 * Ctrl-C does not reach them, and some servers ignore the end of stdin.
 */
import type { ChildProcess } from 'node:child_process';
import { killProcessGroup } from '../../process-group.js';

const live = new Set<ChildProcess>();
let hooked = false;

function killAll(): void {
  for (const child of live) killProcessGroup(child);
  live.clear();
}

export function trackChild(child: ChildProcess): void {
  live.add(child);
  if (!hooked) {
    hooked = true;
    // 'exit' handlers must be synchronous; process.kill is.
    process.once('exit', killAll);
  }
}

export function untrackChild(child: ChildProcess): void {
  live.delete(child);
}
