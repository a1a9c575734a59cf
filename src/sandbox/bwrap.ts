/**
 * The bubblewrap command line for one sandboxed command (bwrap 0.8, the version Debian 12 and
 * Ubuntu 24.04 ship). Every namespace bwrap can make is new except the user's own files:
 *   --unshare-pid/ipc/uts/cgroup  the server sees only its own processes (a fresh /proc)
 *   --unshare-net                 no network at all but its own loopback; egress, when allowed,
 *                                 is the unix socket bound in below (see egress-proxy.ts)
 *   --cap-drop ALL                as root, bwrap would otherwise keep every capability, and
 *                                 CAP_SYS_ADMIN unmounts the tmpfs over ~/.ssh
 *   --die-with-parent             the sandbox goes when the hub goes
 * Not --new-session: the hub starts servers in their own session already (no controlling
 * terminal to inject into), and a new one would put the server out of reach of the hub's
 * process-group signals.
 *
 * Private, empty and writable: /tmp and /run (sockets of the user's agents, X11, D-Bus and Docker
 * live there, and a unix socket answers even on a read-only mount). /var/tmp stays visible,
 * read-only, like the rest of the system.
 */
import type { Mount } from './mount-plan.js';

export interface BwrapCommand {
  mounts: readonly Mount[];
  /** Extra binds after everything else: the egress socket, at its path inside. */
  sockets?: readonly { source: string; target: string }[];
  /** Directories to create in the private /run or /tmp (XDG_RUNTIME_DIR). */
  dirs?: readonly string[];
  cwd?: string;
  /** Absolute path of the program to run inside, and its arguments. */
  command: string;
  args: readonly string[];
}

/** Fresh and empty inside the sandbox, so nothing another program left there is visible. */
export const PRIVATE_DIRS = ['/tmp', '/run'];

export function bwrapArgs(spec: BwrapCommand): string[] {
  const args = [
    '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try', '--unshare-net',
    '--die-with-parent', '--cap-drop', 'ALL',
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
  ];
  for (const dir of PRIVATE_DIRS) args.push('--tmpfs', dir);
  for (const dir of spec.dirs ?? []) args.push('--dir', dir);
  for (const mount of spec.mounts) {
    switch (mount.kind) {
      case 'bind':
        args.push('--bind', mount.path, mount.path);
        break;
      case 'ro-bind':
        args.push('--ro-bind', mount.path, mount.path);
        break;
      case 'tmpfs':
        args.push('--perms', '0700', '--tmpfs', mount.path);
        break;
      case 'hide-file':
        args.push('--ro-bind', '/dev/null', mount.path);
        break;
      case 'remount-ro':
        args.push('--remount-ro', mount.path);
        break;
    }
  }
  for (const socket of spec.sockets ?? []) args.push('--bind', socket.source, socket.target);
  if (spec.cwd) args.push('--chdir', spec.cwd);
  args.push('--', spec.command, ...spec.args);
  return args;
}
