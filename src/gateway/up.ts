/**
 * `patchbay up`: the hub for the current project (registry resolved from cwd) behind one MCP
 * endpoint, with the model proxy mounted under /v1/ on the same port when it is configured.
 * Prints where it listens, how to authenticate and which servers are up (and why others are
 * not), then runs until SIGINT/SIGTERM and shuts every child down before returning.
 */
import type { Writable } from 'node:stream';
import { createFileClientStore, type ClientResolver } from '../auth/client-store.js';
import { withEphemeralClients } from '../auth/ephemeral-clients.js';
import { createInProcessHost } from '../servers/in-process-host.js';
import { loadOrCreateToken } from '../auth/token.js';
import { loadRegistry, resolveServers } from '../config/registry.js';
import { PatchbayError } from '../errors.js';
import { createHub } from '../hub/index.js';
import { CLIENT_CAPABILITY_NAMES } from '../hub/client-capabilities.js';
import { sandboxLabel } from '../sandbox/options.js';
import type { HubServerStatus } from '../hub/types.js';
import { isLoopbackAddress } from './http/guard.js';
import type { NodeListener } from './http/server.js';
import { defaultServers, DEFAULTS_NOTE } from './default-servers.js';
import { createHubGuards } from './guards.js';
import { createGateway, DEFAULT_HOST, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT } from './index.js';

export interface UpOptions {
  port?: number;
  host?: string;
  /** false with --no-auth: only allowed on loopback. */
  auth: boolean;
  showToken?: boolean;
  maxBodyMb?: number;
  /** Extra Host header values to accept (a LAN name or address when bound beyond loopback). */
  allowHost?: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  stdout: Writable;
  stderr: Writable;
  /** false with --no-defaults: no built-in files/web servers when nothing is configured. */
  defaults?: boolean;
  /** Prints a one-time dashboard login URL at start (tests, and `up --ui-url`). */
  printLoginUrl?: boolean;
  /** Stops the gateway when aborted (tests); SIGINT and SIGTERM always do. */
  signal?: AbortSignal;
}

export function resolvePort(flag: number | undefined, env: NodeJS.ProcessEnv): number {
  if (flag !== undefined) return flag;
  const fromEnv = env.PATCHBAY_PORT;
  if (fromEnv === undefined || fromEnv === '') return DEFAULT_PORT;
  const port = Number(fromEnv);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new PatchbayError('USAGE', `PATCHBAY_PORT="${fromEnv}" is not a port number`, { hint: 'Use an integer from 0 to 65535 (0 picks a free port).' });
  }
  return port;
}

export function maskToken(token: string): string {
  return token.length <= 10 ? '****' : `${token.slice(0, 5)}…${token.slice(-2)}`;
}

/**
 * A server's line, then what else a user must know: the fix for a failure (the same words as
 * `doctor`, both from hub/upstream/diagnose.ts), and tools withheld because another server has
 * the same name (until now only in mcp.log).
 */
function describeServer(s: HubServerStatus, sandbox?: string): string {
  const lines: string[] = [];
  const note = sandbox ? `, ${sandbox}` : '';
  if (s.state === 'ready') {
    const count = `${s.toolCount} tool${s.toolCount === 1 ? '' : 's'}`;
    lines.push(`  ✔ ${s.name}  ${s.transport}, ${count}${s.protocolVersion ? `, protocol ${s.protocolVersion}` : ''}${s.toolsAdaptToClient ? ` (as listed for a client with ${CLIENT_CAPABILITY_NAMES}, which Patchbay declares: the server adapts its list to the client)` : ''}${note}`);
  } else if (s.state === 'disabled') {
    lines.push(`  ○ ${s.name}  disabled (patchbay.disabled in its entry)`);
  } else {
    lines.push(`  ✘ ${s.name}  ${s.state}${s.reason ? `: ${s.reason}` : ''}${note}`);
    if (s.hint) lines.push(`      → ${s.hint}`);
  }
  for (const collision of s.collisions ?? []) lines.push(`      ⚠ ${collision}`);
  return lines.join('\n');
}

async function mountProxy(token: string, clients: ClientResolver, stderr: Writable): Promise<{ listener: NodeListener; close(): Promise<void> } | string> {
  try {
    const { loadProxySettings } = await import('../proxy/config/load.js');
    const { createProxyServer } = await import('../proxy/server/index.js');
    const settings = await loadProxySettings();
    const proxy = createProxyServer({ settings, token, clients, log: (line) => stderr.write(`patchbay proxy: ${line}\n`) });
    return { listener: proxy.listener, close: () => proxy.close() };
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0]! : String(error);
  }
}

/** The dashboard's page and API (src/web/), served under /ui/ on the same port. */
async function mountDashboard(options: { hub: ReturnType<typeof createHub>; servers: Parameters<typeof createHub>[0]['servers']; projectRoot: string; token: string | undefined }) {
  const [{ createUiApp }, { getRequestListener }, { presentedCredential, tokenMatches }] = await Promise.all([import('../web/api/app.js'), import('@hono/node-server'), import('../auth/token.js')]);
  const ui = createUiApp({
    hub: options.hub,
    servers: options.servers,
    projectRoot: options.projectRoot,
    // Only the hub's own token may ask for a login code (`patchbay ui` reads it like `patchbay token`).
    authenticated: (headers) => options.token === undefined || tokenMatches(presentedCredential({ authorization: headers.authorization }), options.token),
  });
  return { listener: getRequestListener(ui.app.fetch), sessions: ui.sessions, close: ui.close };
}

export async function runUp(options: UpOptions): Promise<void> {
  const env = options.env ?? process.env;
  const host = options.host ?? env.PATCHBAY_HOST ?? DEFAULT_HOST;
  const port = resolvePort(options.port, env);
  if (!options.auth && !isLoopbackAddress(host)) {
    throw new PatchbayError('USAGE', `--no-auth is only allowed on a loopback address, not ${host}`, { hint: 'Drop --no-auth, or use --host 127.0.0.1.' });
  }
  const maxBodyMb = options.maxBodyMb ?? (env.PATCHBAY_MAX_BODY_MB ? Number(env.PATCHBAY_MAX_BODY_MB) : undefined);
  if (maxBodyMb !== undefined && !(maxBodyMb > 0)) {
    throw new PatchbayError('USAGE', `The body limit must be a positive number of MiB, got ${maxBodyMb}`);
  }
  const { stdout, stderr } = options;

  const registry = await loadRegistry({ cwd: options.cwd });
  for (const p of registry.problems) {
    const where = [p.file, p.line !== undefined ? `line ${p.line}` : undefined, p.server ? `server "${p.server}"` : undefined, p.field ? `field ${p.field}` : undefined].filter(Boolean).join(', ');
    stderr.write(`patchbay: skipped: ${where}: ${p.message}${p.hint ? `\n  ${p.hint}` : ''}\n`);
  }
  const defaults = defaultServers(registry, options.defaults !== false);
  const servers = defaults.length > 0 ? defaults : resolveServers(registry);
  const pending = resolveServers(registry, { includeUnapproved: true }).filter((s) => s.approval === 'pending');

  const token = await loadOrCreateToken();
  // Client tokens (`patchbay clients`): the gateway and the proxy name each call's client by them;
  // the in-process agent's child gets one minted for this run (src/auth/ephemeral-clients.ts).
  const clients = withEphemeralClients(createFileClientStore().resolver());
  const guards = await createHubGuards({ projectRoot: registry.projectRoot, servers, env, log: (line) => stderr.write(`patchbay: ${line}\n`) });
  const proxy = await mountProxy(token, clients, stderr);
  let hubUrl: string | undefined;
  // Patchbay's model-using built-in servers run inside this process, on this proxy (src/servers/in-process.ts).
  const inProcess = createInProcessHost({
    proxy: typeof proxy === 'string' ? proxy : { listener: proxy.listener, token },
    hubUrl: () => hubUrl,
    issueClientToken: (client) => clients.issue(client),
    env,
    cwd: registry.projectRoot,
  });
  const hub = createHub({ servers, cwd: registry.projectRoot, env, guards: guards.guards, inProcess });
  const gateway = createGateway({
    hub,
    maxBodyBytes: maxBodyMb !== undefined ? Math.floor(maxBodyMb * 1024 * 1024) : DEFAULT_MAX_BODY_BYTES,
    log: (line) => stderr.write(`patchbay gateway: ${line}\n`),
  });
  const ui = await mountDashboard({ hub, servers, projectRoot: registry.projectRoot, token: options.auth ? token : undefined });

  let http;
  try {
    // Listen first, so a busy port fails before any server is spawned.
    // Bound to a specific non-loopback address, requests name that address in Host.
    const allowedHosts = [...(options.allowHost ?? [])];
    if (!isLoopbackAddress(host) && host !== '0.0.0.0' && host !== '::') allowedHosts.push(host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
    http = await gateway.serveHttp({ host, port, token: options.auth ? token : undefined, clients, allowedHosts, proxy: typeof proxy === 'string' ? undefined : proxy.listener, ui: ui.listener });
  } catch (error) {
    if (typeof proxy !== 'string') await proxy.close();
    await guards.close();
    throw error;
  }
  const { recordListener, localUrl } = await import('../proxy/server/listen-record.js');
  hubUrl = localUrl(host, http.port);
  await hub.start();
  // Where the proxy listens, for `patchbay env` and `patchbay claude` (removed on the way out).
  const record = typeof proxy === 'string' ? undefined : await recordListener({ kind: 'up', url: localUrl(host, http.port), project: registry.projectRoot })
    .catch((error: Error) => { stderr.write(`patchbay: warning: \`patchbay env\` will not find this proxy: ${error.message}\n`); return undefined; });

  const lines: string[] = [];
  lines.push(`Patchbay is up for ${registry.projectRoot}`);
  lines.push(`  MCP endpoint: ${http.url}`);
  if (options.auth) {
    lines.push(options.showToken ? `  Token:        ${token}` : `  Token:        ${maskToken(token)}  (\`patchbay token\` prints it; send "Authorization: Bearer <token>")`);
  } else {
    lines.push('  Token:        none (--no-auth: any local process can call the gateway)');
  }
  const base = http.url.replace(/\/mcp$/, '');
  lines.push(typeof proxy === 'string' ? `  Model proxy:  not mounted (${proxy})` : `  Model proxy:  ${base}/v1/messages (same token)`);
  lines.push(`  Dashboard:    ${base}/ui/  (\`patchbay ui\` opens it logged in)`);
  if (options.printLoginUrl) lines.push(`  Login URL:    ${base}/ui/login?code=${ui.sessions.issueCode()}`);
  const status = hub.status();
  const ready = status.filter((s) => s.state === 'ready').length;
  lines.push(`Servers (${ready} of ${status.length} ready):`);
  const sandboxes = new Map(servers.map((server) => [server.name, sandboxLabel(server.entry)]));
  for (const s of status) lines.push(describeServer(s, sandboxes.get(s.name)));
  if (defaults.length > 0) lines.push(`  ${DEFAULTS_NOTE}`);
  if (status.length === 0) lines.push('  none configured: add one with `patchbay mcp add NAME -- COMMAND ARGS`');
  for (const s of pending) lines.push(`  ⏸ ${s.name}  pending approval in ${s.file} (approve it in .claude/settings.local.json)`);
  lines.push('Press Ctrl+C to stop.');
  stdout.write(`${lines.join('\n')}\n`);

  const offStatus = hub.on((event) => {
    if (event.type === 'status' && event.server.state !== 'starting') stderr.write(`patchbay: ${describeServer(event.server, sandboxes.get(event.server.name)).trimStart()}\n`);
  });

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      options.signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    options.signal?.addEventListener('abort', stop, { once: true });
  });
  stdout.write('Stopping: closing sessions and servers…\n');
  offStatus();
  ui.close();
  await record?.remove();
  await gateway.close();
  if (typeof proxy !== 'string') await proxy.close();
  await hub.stop();
  await guards.close();
  stdout.write('Stopped.\n');
}
