/**
 * The hub: one supervisor per enabled server, one catalog over all of them, and the plumbing
 * that carries notifications and server requests between upstreams and downstream sessions:
 * upstream list_changed, resource updates and log messages go down; a server's requests go to
 * a client (server-requests.ts); a client's notifications/roots/list_changed goes up to every
 * connected server. Request routing lives in router.ts; this file owns lifecycle and state.
 */
import type { ScopedServer } from '../config/types.js';
import { connectUpstream, type ConnectOptions, type UpstreamConnection } from './upstream/connection.js';
import type { ClientDirectory, DownstreamContext, Hub, HubEvent, HubServerStatus } from './types.js';
import { buildCatalog, emptyLists, type Catalog, type ServerLists } from './catalog.js';
import { createSupervisor, type ConnectFn, type PingOptions, type Supervisor } from './supervisor.js';
import type { RestartPolicyOptions } from './restart-policy.js';
import { createHubLogs, type HubLogs, type LogLevel, type LogLine, type Logger } from './log/hub-logs.js';
import { redactJson, secretValuesOf } from '../secrets/redact/index.js';
import { offeredKinds, readLists, type ListKind } from './list-all.js';
import { createSubscriptions } from './subscriptions.js';
import { callerOf, createPendingRequests, routeServerRequest } from './server-requests.js';
import { createRouter } from './router.js';
import { prepareEntry } from './prepare-entry.js';
import type { CallGuard } from './guard.js';
import { createListenKeeper, type ListenKeeper } from './upstream-listen.js';
import { resolveEntryReferences } from '../secrets/references.js';
import type { SecretStore } from '../secrets/store/secret-store.js';
import { CLIENT_CAPABILITIES } from './client-capabilities.js';
import { createTrafficTap, type TrafficRecord } from './traffic-tap.js';

export interface HubOptions {
  /** The servers to run: `resolveServers(await loadRegistry({ cwd }))`. */
  servers: readonly ScopedServer[];
  /** Directory for mcp.log and mcp-server-<name>.log (default `patchbayPaths().log`). */
  logDir?: string;
  /** Default `PATCHBAY_LOG_LEVEL` or 'info'; 'debug' adds the JSON-RPC traffic, redacted. */
  logLevel?: LogLevel;
  /** Rotate a log file at this size (default 10 MB), keeping `logKeep` old ones (default 3). */
  logMaxBytes?: number;
  logKeep?: number;
  /** Per-call timeout when the entry sets no `patchbay.timeoutMs` (default 60 s). */
  callTimeoutMs?: number;
  /** Spawn + handshake timeout (default 30 s). */
  connectTimeoutMs?: number;
  restart?: RestartPolicyOptions;
  /** Health checks (default every 30 s, 10 s timeout, restart after 3 failures); intervalMs 0 disables. */
  ping?: Partial<PingOptions>;
  /** Working directory for stdio servers. */
  cwd?: string;
  /** The hub's environment, the source of the env policy and of ${VAR} expansion (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Extra variables every stdio server receives from the hub's environment. */
  passEnv?: readonly string[];
  /** The connection factory (default connectUpstream); a seam for tests of the hub alone. */
  connect?: ConnectFn;
  /** Policy, pinning, secret scanning and audit, in order (guard.ts). Default none. */
  guards?: readonly CallGuard[];
  /** Where `${secret:NAME}` references resolve (default: the user's store, opened when an entry needs it). */
  secrets?: SecretStore;
  /**
   * Runs Patchbay's model-using built-in servers inside the hub (src/servers/in-process-host.ts);
   * without it they run as children like any other entry.
   */
  inProcess?: InProcessHost;
}

/** What the hub asks of the in-process host: which entries it takes, and a connection to one. */
export interface InProcessHost {
  takes(entry: ScopedServer['entry']): boolean;
  connect: ConnectFn;
}

export interface HubStats {
  subscribedUris: number;
  subscribedSessions: number;
  pendingServerRequests: number;
  inflightCalls: number;
}

export interface ServerRecord {
  server: ScopedServer;
  supervisor: Supervisor | undefined;
  lists: ServerLists;
  log: Logger;
  /** 2026-07-28 upstreams: the hub's subscriptions/listen stream (upstream-listen.ts). */
  listen?: ListenKeeper;
  /** Set while its first lists are read after a (re)start. */
  startingUp?: boolean;
  /**
   * It changed its tool list while it started, in answer to the client's capabilities (as
   * server-everything does in oninitialized): the count is the one for Patchbay's capabilities.
   */
  toolsAdaptToClient?: boolean;
}

/** What the dashboard (src/web/api/) steers on a running hub, beside the Hub seam. */
export interface HubControl {
  /** Starts, stops or restarts one server; false when no server has that name. */
  control(name: string, action: 'start' | 'stop' | 'restart'): Promise<boolean>;
  /**
   * A tool was turned on or off in the registry (src/config/scopes.ts setToolEnabled): serve the
   * catalog as if the entry had always said so, and tell clients their tools list changed.
   */
  setToolEnabled(name: string, tool: string, enabled: boolean): boolean;
  /** Every request any client routes through the hub, while watched (traffic-tap.ts). */
  watchTraffic(listener: (record: TrafficRecord) => void): () => void;
  /** Every line the hub and its servers log (stderr, lifecycle, MCP log messages), redacted. */
  watchLogs(listener: (line: LogLine) => void): () => void;
}

export function createHub(options: HubOptions): Hub & Required<Pick<Hub, 'attachClients' | 'rootsChanged'>> & HubControl & { stats(): HubStats; readonly logs: HubLogs } {
  const logs = createHubLogs({ dir: options.logDir, level: options.logLevel, maxBytes: options.logMaxBytes, keep: options.logKeep });
  const hubEnv = options.env ?? process.env;
  const listeners = new Set<(event: HubEvent) => void>();
  const subscriptions = createSubscriptions();
  const pending = createPendingRequests();
  const records = new Map<string, ServerRecord>();
  let catalog: Catalog = buildCatalog([]);
  const signatures = new Map<string, string>();
  let logLevel: string | undefined;
  /** The gateway's sessions, asked for roots when no call is in flight (attachClients). */
  let clients: ClientDirectory | undefined;
  const ping: PingOptions = { intervalMs: 30_000, timeoutMs: 10_000, failures: 3, ...options.ping };
  const guards = options.guards ?? [];
  let openedStore: Promise<SecretStore> | undefined;
  const secretStore = (): Promise<SecretStore> =>
    options.secrets ? Promise.resolve(options.secrets) : (openedStore ??= import('../secrets/store/open-store.js').then((m) => m.openSecretStore({ env: hubEnv })));

  /** Guards see a server's fresh lists before any client does (pinning, scanning). */
  function observe(record: ServerRecord): void {
    for (const guard of guards) {
      try {
        guard.observeLists?.(record.server.name, record.lists);
      } catch (error) {
        logs.hub.log('error', `guard ${guard.name} failed on the lists of ${record.server.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  function emit(event: HubEvent): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logs.hub.log('error', `event listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  function rebuild(kinds: readonly ListKind[]): void {
    const before = catalog.problems;
    const oversizedBefore = catalog.oversized;
    catalog = buildCatalog(
      [...records.values()].map((r) => ({ server: r.server.name, options: r.server.entry.patchbay ?? {}, lists: r.lists })),
    );
    for (const [server, problems] of catalog.problems) {
      const old = before.get(server) ?? [];
      for (const problem of problems) if (!old.includes(problem)) logs.hub.log('warn', problem);
    }
    for (const [server, notes] of catalog.oversized) {
      const old = oversizedBefore.get(server) ?? [];
      for (const note of notes) {
        if (old.includes(note)) continue;
        logs.hub.log('warn', note);
        records.get(server)?.log.log('warn', note);
      }
    }
    // Tell clients only when what they would list differs: a server starting with no prompts
    // must not make every session re-fetch prompts/list (with 10,000 sessions that adds up).
    const changed = new Set(kinds.map((k) => (k === 'templates' ? 'resources' : k)));
    for (const kind of changed) {
      const signature = signatureOf(kind);
      if (signature === signatures.get(kind)) continue;
      signatures.set(kind, signature);
      emit({ type: 'list_changed', kind });
    }
  }

  function signatureOf(kind: 'tools' | 'prompts' | 'resources'): string {
    if (kind === 'resources') return JSON.stringify([catalog.resources, catalog.templates]);
    return JSON.stringify(kind === 'tools' ? catalog.tools : catalog.prompts);
  }

  function statusOf(record: ServerRecord): HubServerStatus {
    const name = record.server.name;
    const toolCount = catalog.tools.filter((t) => catalog.tool(t.name)?.server === name).length;
    const collisions = catalog.problems.get(name);
    const base = record.supervisor?.status() ?? { name, state: 'disabled' as const, transport: transportOf(record.server), restarts: 0 };
    return { ...base, toolCount, ...(collisions ? { collisions } : {}), ...(record.toolsAdaptToClient && base.state === 'ready' ? { toolsAdaptToClient: true } : {}) };
  }

  async function refresh(record: ServerRecord, connection: UpstreamConnection, kinds: readonly ListKind[]): Promise<void> {
    const timeoutMs = record.server.entry.patchbay?.timeoutMs ?? options.callTimeoutMs ?? 60_000;
    await readLists(connection, kinds, timeoutMs, (kind, error) =>
      record.log.log('warn', `listing ${kind} failed: ${error instanceof Error ? error.message : String(error)}`),
      record.lists,
    );
  }

  function onNotification(record: ServerRecord, connection: UpstreamConnection, method: string, params: unknown): void {
    const log = record.log;
    if (log.debugEnabled) log.log('debug', `<- ${method} ${JSON.stringify(redactJson(params))}`);
    const refreshKinds: Record<string, ListKind[]> = {
      'notifications/tools/list_changed': ['tools'],
      'notifications/prompts/list_changed': ['prompts'],
      'notifications/resources/list_changed': ['resources', 'templates'],
    };
    const kinds = refreshKinds[method];
    if (kinds && record.startingUp && method === 'notifications/tools/list_changed') record.toolsAdaptToClient = true;
    if (kinds) {
      void refresh(record, connection, kinds).then(() => {
        // A list from a connection that has since died must not resurrect its tools.
        if (record.supervisor?.connection !== connection) return;
        observe(record);
        rebuild(kinds);
      });
      return;
    }
    if (method === 'notifications/resources/updated') {
      const upstreamUri = (params as { uri?: unknown } | undefined)?.uri;
      if (typeof upstreamUri !== 'string') return;
      const uri = catalog.exposedUri(record.server.name, upstreamUri);
      const sessionIds = subscriptions.sessionsFor(uri);
      if (sessionIds.length > 0) emit({ type: 'resource_updated', uri, sessionIds });
      return;
    }
    if (method === 'notifications/message') {
      const p = { ...(params as Record<string, unknown>) };
      p.logger ??= record.server.name;
      log.log(logLevelOf(p.level), `log message: ${JSON.stringify(p.data)}`);
      const supervisor = record.supervisor;
      const caller = supervisor && callerOf(supervisor);
      if (caller) caller.notify(method, p);
      else emit({ type: 'message', server: record.server.name, params: p });
    }
  }

  function addRecord(server: ScopedServer): void {
    // Filled again on every attempt with the expanded values: `${TOKEN}` becomes a secret only then.
    const secrets: string[] = secretValuesOf(server.entry);
    const log = logs.server(server.name, secrets);
    const record: ServerRecord = { server, supervisor: undefined, lists: emptyLists(), log };
    records.set(server.name, record);
    if (server.entry.patchbay?.disabled) return;
    const callTimeoutMs = server.entry.patchbay?.timeoutMs ?? options.callTimeoutMs ?? 60_000;
    record.supervisor = createSupervisor({
      server,
      connect: connectFor(options),
      log,
      callTimeoutMs,
      restart: options.restart,
      ping,
      prepare: async () => {
        const references = await resolveEntryReferences(server, { store: secretStore, env: hubEnv, cwd: options.cwd ?? process.cwd() });
        const prepared = prepareEntry(server, { hubEnv, passEnv: options.passEnv, references: references.values });
        secrets.splice(0, secrets.length, ...new Set([...secretValuesOf(server.entry), ...secretValuesOf(prepared.entry), ...references.secretValues]));
        const connectOptions: ConnectOptions = {
          timeoutMs: options.connectTimeoutMs ?? 30_000,
          cwd: options.cwd,
          env: prepared.env,
          log: (level, message) => log.log(level, message),
          clientCapabilities: CLIENT_CAPABILITIES,
          requestTimeoutMs: callTimeoutMs,
          ...(server.entry.patchbay?.protocol ? { negotiation: server.entry.patchbay.protocol } : {}),
          secretValues: references.secretValues,
          // A remote server that answers 401 gets a browser login when one can open (src/auth/oauth/).
          oauthLogin: (await import('../auth/oauth/wait-for-login.js')).browserAvailable(hubEnv),
        };
        return { entry: prepared.entry, options: connectOptions };
      },
      onConnected: async (connection) => {
        connection.onNotification = (method, params) => onNotification(record, connection, method, params);
        const route = { supervisor: record.supervisor!, pending, log, clients: () => clients };
        connection.onRequest = (method, params, signal) => routeServerRequest(route, method, params, signal);
        record.lists = emptyLists();
        record.startingUp = true;
        record.toolsAdaptToClient = false;
        const kinds = Object.keys(connection.capabilities).length > 0 ? offeredKinds(connection.capabilities) : (['tools', 'prompts', 'resources', 'templates'] as const);
        await refresh(record, connection, kinds);
        record.startingUp = false;
        // 2026-07-28 removed logging/setLevel: the level travels in each request's envelope.
        if (logLevel && connection.capabilities.logging && !String(connection.protocolVersion).startsWith('2026')) {
          await connection.request('logging/setLevel', { level: logLevel }).catch(() => undefined);
        }
        observe(record);
        rebuild(['tools', 'prompts', 'resources']);
        if (String(connection.protocolVersion).startsWith('2026')) {
          // Its notifications arrive only on a listen stream, subscribed URIs included.
          record.listen?.close();
          const mine = () => subscriptions.uris().filter((uri) => catalog.serverForUri(uri) === server.name).map((uri) => catalog.upstreamUri(server.name, uri));
          record.listen = createListenKeeper(connection, mine, log);
          await record.listen.refresh();
          return;
        }
        // Re-establish the upstream subscriptions a restart dropped: sessions still hold them.
        for (const uri of subscriptions.uris()) {
          if (catalog.serverForUri(uri) === server.name) {
            await connection.request('resources/subscribe', { uri: catalog.upstreamUri(server.name, uri) }, { timeoutMs: callTimeoutMs }).catch(() => undefined);
          }
        }
      },
      onDisconnected: () => {
        record.listen?.close();
        record.listen = undefined;
        record.lists = emptyLists();
        rebuild(['tools', 'prompts', 'resources']);
      },
      onStatus: () => {
        const status = statusOf(record);
        logs.hub.log(status.state === 'failed' ? 'error' : 'info', `${server.name}: ${status.state}${status.reason ? ` (${status.reason})` : ''}`);
        emit({ type: 'status', server: status });
      },
    });
  }

  for (const kind of ['tools', 'prompts', 'resources'] as const) signatures.set(kind, signatureOf(kind));
  for (const server of options.servers) addRecord(server);
  // A guard's view can change with no server involved (an approval from the CLI): tell clients.
  const unwatch = guards.flatMap((guard) =>
    guard.watch
      ? [guard.watch((kinds) => {
          for (const kind of new Set(kinds.map((k) => (k === 'templates' ? 'resources' : k)))) emit({ type: 'list_changed', kind });
        })]
      : [],
  );

  const router = createRouter({
    catalog: () => catalog,
    records,
    subscriptions,
    setLogLevel: (level) => (logLevel = level),
    logLevel: () => logLevel,
    guards,
  });

  const traffic = createTrafficTap((method, params) => {
    const p = (params ?? {}) as { name?: unknown; uri?: unknown };
    if (method === 'tools/call' && typeof p.name === 'string') return catalog.tool(p.name)?.server;
    if (method === 'prompts/get' && typeof p.name === 'string') return catalog.prompt(p.name)?.server;
    if (method.startsWith('resources/') && typeof p.uri === 'string') return catalog.serverForUri(p.uri);
    return undefined;
  });

  return {
    logs,
    async start() {
      logs.hub.log('info', `hub starting with ${records.size} server(s)`);
      await Promise.all([...records.values()].map((r) => r.supervisor?.start()));
    },
    async stop() {
      for (const stopWatching of unwatch.splice(0)) stopWatching();
      await Promise.all([...records.values()].map((r) => r.supervisor?.stop()));
      logs.hub.log('info', 'hub stopped');
      await logs.close();
    },
    status: () => [...records.values()].map(statusOf),
    async control(name, action) {
      const record = records.get(name);
      if (!record) return false;
      if (!record.supervisor) {
        if (action === 'stop') return true;
        // A server disabled in its entry starts when asked (the registry says so until changed).
        records.delete(name);
        addRecord({ ...record.server, entry: { ...record.server.entry, patchbay: { ...record.server.entry.patchbay, disabled: false } } });
      }
      const supervisor = records.get(name)!.supervisor!;
      if (action !== 'start') await supervisor.stop();
      if (action !== 'stop') await supervisor.start();
      return true;
    },
    setToolEnabled(name, tool, enabled) {
      const record = records.get(name);
      if (!record) return false;
      const patchbay = { ...record.server.entry.patchbay };
      const deny = new Set(patchbay.denyTools ?? []);
      if (enabled) deny.delete(tool);
      else deny.add(tool);
      patchbay.denyTools = [...deny];
      record.server = { ...record.server, entry: { ...record.server.entry, patchbay } };
      rebuild(['tools']);
      return true;
    },
    capabilities() {
      const caps: Record<string, unknown> = { tools: { listChanged: true } };
      for (const r of records.values()) {
        const c = r.supervisor?.connection?.capabilities;
        if (!c) continue;
        if (c.prompts) caps.prompts = { listChanged: true };
        if (c.resources) caps.resources = { subscribe: true, listChanged: true };
        if (c.logging) caps.logging = {};
        if (c.completions) caps.completions = {};
      }
      return caps;
    },
    request: traffic.wrap(router),
    watchTraffic: traffic.watch,
    watchLogs: logs.watch,
    closeSession(sessionId) {
      pending.dropSession(sessionId);
      for (const r of records.values()) {
        for (const call of [...(r.supervisor?.inflight ?? [])]) {
          if ((call.owner as DownstreamContext | undefined)?.sessionId === sessionId) call.cancel('The client session ended');
        }
      }
      for (const uri of subscriptions.dropSession(sessionId)) {
        const owner = catalog.serverForUri(uri);
        const record = owner ? records.get(owner) : undefined;
        if (record?.listen) {
          void record.listen.refresh();
          continue;
        }
        void record?.supervisor?.connection?.request('resources/unsubscribe', { uri: catalog.upstreamUri(owner!, uri) }).catch(() => undefined);
      }
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    attachClients(directory) {
      clients = directory;
      return () => {
        if (clients === directory) clients = undefined;
      };
    },
    rootsChanged(sessionId) {
      for (const r of records.values()) {
        const connection = r.supervisor?.connection;
        // A 2026-07-28 connection has no such notification (SEP-2577 deprecates roots); its server
        // asks for roots inside a call, and that request reaches the calling client as always.
        if (!connection || String(connection.protocolVersion).startsWith('2026')) continue;
        if (r.log.debugEnabled) r.log.log('debug', `-> notifications/roots/list_changed (roots of session ${sessionId})`);
        connection.notify('notifications/roots/list_changed').catch((error: unknown) =>
          r.log.log('warn', `notifications/roots/list_changed not delivered: ${error instanceof Error ? error.message : String(error)}`),
        );
      }
    },
    stats() {
      const sizes = subscriptions.sizes();
      let inflightCalls = 0;
      for (const r of records.values()) inflightCalls += r.supervisor?.inflight.size ?? 0;
      return { subscribedUris: sizes.uris, subscribedSessions: sizes.sessions, pendingServerRequests: pending.size(), inflightCalls };
    },
  };
}

/** An entry the in-process host takes goes to it; every other one to a child or a URL. */
function connectFor(options: HubOptions): ConnectFn {
  const connect = options.connect ?? connectUpstream;
  const host = options.inProcess;
  if (!host) return connect;
  return (name, entry, connectOptions) => (host.takes(entry) ? host.connect(name, entry, connectOptions) : connect(name, entry, connectOptions));
}

/** An MCP logging level (RFC 5424 names) as the level of the server's log line. */
function logLevelOf(level: unknown): LogLevel {
  if (level === 'debug') return 'debug';
  if (level === 'warning') return 'warn';
  if (level === 'error' || level === 'critical' || level === 'alert' || level === 'emergency') return 'error';
  return 'info';
}

function transportOf(server: ScopedServer): HubServerStatus['transport'] {
  return server.entry.type === 'http' || server.entry.type === 'sse' ? server.entry.type : 'stdio';
}
