/**
 * `patchbay gateway --stdio`: what a host that launches a command runs (the entry
 * `patchbay connect` writes). Same hub as `patchbay up`, served on stdin/stdout; diagnostics go
 * to stderr, which hosts keep in their MCP logs.
 */
import type { Readable, Writable } from 'node:stream';
import { loadRegistry, resolveServers } from '../config/registry.js';
import { createHub } from '../hub/index.js';
import { createHubGuards } from './guards.js';
import { createGateway } from './index.js';
import { serveStdio } from './stdio.js';

/** How long initialize may wait for servers to come up. */
const STARTUP_GRACE_MS = 5_000;

export interface StdioCommandOptions {
  cwd: string;
  /** `claude-code`: serve only what Claude Code does not load itself (config/registry.ts). */
  forHost?: 'claude-code';
  /**
   * The client this process serves (`--client NAME`, written by `patchbay connect HOST`). A
   * name, not a secret: the host launches this process as the user, who could read any secret
   * Patchbay keeps anyway. It must be a registered client that was not revoked.
   */
  client?: string;
  env?: NodeJS.ProcessEnv;
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

export async function runStdioGateway(options: StdioCommandOptions): Promise<void> {
  if (options.client !== undefined) {
    const { assertActiveClient } = await import('../auth/clients-command.js');
    await assertActiveClient(options.client);
  }
  const registry = await loadRegistry({ cwd: options.cwd });
  for (const p of registry.problems) options.stderr.write(`patchbay: skipped ${p.file}${p.line !== undefined ? `:${p.line}` : ''}${p.server ? ` (${p.server})` : ''}: ${p.message}\n`);
  const servers = resolveServers(registry, { forHost: options.forHost });
  const env = options.env ?? process.env;
  const guards = await createHubGuards({ projectRoot: registry.projectRoot, servers, env, log: (line) => options.stderr.write(`patchbay: ${line}\n`) });
  const hub = createHub({ servers, cwd: registry.projectRoot, env, guards: guards.guards });
  const gateway = createGateway({ hub });
  const started = hub.start().then(() => {
    for (const s of hub.status()) if (s.state !== 'ready' && s.state !== 'disabled') options.stderr.write(`patchbay: ${s.name} ${s.state}${s.reason ? `: ${s.reason}` : ''}\n`);
  });
  // The answer to initialize carries the capabilities of the servers that are up, so give them
  // a moment; but hosts time out a silent server, so a slow one joins later (list_changed).
  // stdin is buffered meanwhile: nothing the host sends is lost.
  await Promise.race([started, new Promise((resolve) => setTimeout(resolve, STARTUP_GRACE_MS).unref())]);
  const served = serveStdio(gateway, { input: options.stdin, output: options.stdout, client: options.client });
  const stop = () => options.stdin.destroy();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await served;
  process.off('SIGTERM', stop);
  process.off('SIGINT', stop);
  await started.catch(() => undefined);
  await gateway.close();
  await hub.stop();
  await guards.close();
}
