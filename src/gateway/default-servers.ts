/**
 * The useful default of `patchbay up`: when no server is configured in any scope, the hub serves
 * the built-in files and web servers for the project, each sandboxed (the project writable, no
 * network). Where the sandbox cannot run (no bubblewrap) the hub refuses to start them and says
 * why (SANDBOX_UNAVAILABLE) — never an unconfined run. The web viewer is off: inside the
 * sandbox's network namespace nobody could reach it; MCP App hosts do not need it.
 * As soon as one server is configured anywhere, or with `--no-defaults`, none of this happens.
 */
import { fileURLToPath } from 'node:url';
import type { Registry } from '../config/registry.js';
import type { ScopedServer } from '../config/types.js';

const BIN = fileURLToPath(new URL('../../bin/patchbay.js', import.meta.url));

export const DEFAULTS_NOTE = 'No server is configured, so these are the built-in files and web servers for this directory, sandboxed.\n  Adding a server (`patchbay mcp add NAME -- COMMAND`) or `patchbay up --no-defaults` turns this off.';

export function defaultServers(registry: Registry, enabled: boolean): ScopedServer[] {
  if (!enabled || registry.servers.length > 0) return [];
  const root = registry.projectRoot;
  const entry = (args: string[]) => ({ type: 'stdio' as const, command: process.execPath, args: [BIN, 'server', ...args], env: {}, patchbay: { sandbox: true } });
  const file = `(built-in default, ${BIN})`;
  return [
    { name: 'files', scope: 'patchbay', file, entry: entry(['files', '--root', root]) },
    { name: 'web', scope: 'patchbay', file, entry: entry(['web', '--root', root, '--no-viewer']) },
  ];
}
