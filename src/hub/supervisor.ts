/**
 * Keeps one upstream server running: connects, restarts it when it dies (exponential backoff
 * with full jitter, see restart-policy.ts), restarts it when it stops answering `ping`, and
 * gives up with a reason after too many restarts. Every call goes through here so that a call
 * in flight when the server dies fails at once — naming the server and how it ended — instead
 * of waiting for its timeout, and so that one server's trouble stays with that server.
 */
import type { ScopedServer } from '../config/types.js';
import type { ConnectOptions, UpstreamConnection, UpstreamExit } from './upstream/connection.js';
import { UpstreamConnectError } from './upstream/connection.js';
import { HubRpcError, type HubServerStatus } from './types.js';
import { createRestartPolicy, type RestartPolicyOptions } from './restart-policy.js';
import { describeExit, isPermanent } from './exit-reason.js';
import { diagnoseBeforeStart, diagnoseExit, diagnosisLine, isPermanentDiagnosis } from './upstream/diagnose.js';
import type { Logger } from './log/hub-logs.js';
import { SERVER_UNAVAILABLE } from './rpc-errors.js';
import { callUpstream, type CallOptions, type InflightCall } from './upstream-call.js';

export type { CallOptions, InflightCall };

type Prepared = { entry: ScopedServer['entry']; options: ConnectOptions };

export type ConnectFn = (name: string, entry: ScopedServer['entry'], options: ConnectOptions) => Promise<UpstreamConnection>;

export interface PingOptions {
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive failed pings before the server is restarted. */
  failures: number;
}

export interface SupervisorOptions {
  server: ScopedServer;
  connect: ConnectFn;
  /** Builds the entry and connect options for one attempt (references, expansion, env policy); throws PatchbayError for config errors. */
  prepare: () => Prepared | Promise<Prepared>;
  log: Logger;
  callTimeoutMs: number;
  restart?: RestartPolicyOptions;
  ping?: PingOptions;
  /** A new connection is up (first start or restart). */
  onConnected(connection: UpstreamConnection): Promise<void> | void;
  /** The connection went away (restarting, failed or stopped). */
  onDisconnected(): void;
  onStatus(): void;
}

export interface Supervisor {
  readonly name: string;
  readonly connection: UpstreamConnection | undefined;
  readonly inflight: ReadonlySet<InflightCall>;
  status(): Omit<HubServerStatus, 'toolCount'>;
  start(): Promise<void>;
  stop(): Promise<void>;
  request(method: string, params: unknown, options?: CallOptions): Promise<unknown>;
}

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const { server, log } = options;
  const name = server.name;
  const transport = server.entry.type === 'http' || server.entry.type === 'sse' ? server.entry.type : 'stdio';
  const policy = createRestartPolicy(options.restart);
  const inflight = new Set<InflightCall>();

  let state: HubServerStatus['state'] = 'stopped';
  let reason: string | undefined;
  /** What to do about `reason`, when the diagnosis knows (diagnose.ts). */
  let hint: string | undefined;
  let restarts = 0;
  let connection: UpstreamConnection | undefined;
  let generation = 0;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let pingTimer: NodeJS.Timeout | undefined;
  let pendingCloseReason: string | undefined;
  /** The connection attempt under way, so stop() can wait for it and close what it opened. */
  let attempting: Promise<void> | undefined;
  /** Stops watching the token store for this server's login. */
  let stopLoginWatch: (() => void) | undefined;

  function setState(next: HubServerStatus['state'], why?: string, what?: string): void {
    state = next;
    reason = why;
    hint = what;
    options.onStatus();
  }

  function failInflight(message: string): void {
    const error = new HubRpcError(SERVER_UNAVAILABLE, message, { server: name });
    for (const call of [...inflight]) call.fail(error);
  }

  async function attempt(): Promise<void> {
    const myGeneration = ++generation;
    setState('starting', reason, hint);
    let prepared: Prepared;
    try {
      prepared = await options.prepare();
    } catch (error) {
      if (stopping || myGeneration !== generation) return;
      // A config problem (a ${VAR} with no value): restarting cannot fix it.
      const message = error instanceof Error ? error.message : String(error);
      log.log('error', `cannot start: ${message}`);
      setState('failed', message, (error as { hint?: string }).hint);
      return;
    }
    // The same diagnosis as `doctor` and `mcp list` (probe.ts): a command path that is not there.
    const cwd = prepared.options.cwd ?? process.cwd();
    const early = diagnoseBeforeStart(prepared.entry, cwd);
    if (early) {
      log.log('error', `cannot start: ${early.reason}`);
      setState('failed', early.reason, early.hint);
      return;
    }
    if (stopping || myGeneration !== generation) return;
    log.log('info', `starting (${transport})`);
    let conn: UpstreamConnection;
    try {
      conn = await options.connect(name, prepared.entry, prepared.options);
    } catch (error) {
      if (stopping || myGeneration !== generation) return;
      const exit = error instanceof UpstreamConnectError ? error.exit : undefined;
      const diagnosis = exit ? diagnoseExit(prepared.entry, exit, { cwd, timeoutMs: prepared.options.timeoutMs, name }) : undefined;
      const detail = diagnosis ? diagnosisLine(diagnosis) : error instanceof Error ? error.message : String(error);
      log.log('error', `failed to start: ${detail}${diagnosis?.details.length ? `\n  ${diagnosis.details.join('\n  ')}` : ''}`);
      scheduleRestart(`failed to start: ${detail}`, isPermanent(exit) || (diagnosis !== undefined && isPermanentDiagnosis(diagnosis)), diagnosis?.hint);
      // Waiting for a login is not a dead end: start again once one is made (src/auth/oauth/).
      if (diagnosis?.kind === 'needs-auth' && 'url' in prepared.entry && !stopping) {
        const { watchForLogin } = await import('../auth/oauth/wait-for-login.js');
        stopLoginWatch?.();
        stopLoginWatch = watchForLogin(name, String(prepared.entry.url), () => {
          stopLoginWatch = undefined;
          if (stopping) return;
          log.log('info', 'a login was completed: starting again');
          void run();
        });
      }
      return;
    }
    if (stopping || myGeneration !== generation) {
      await conn.close().catch(() => undefined);
      return;
    }
    connection = conn;
    conn.onClose = (exit) => onClosed(conn, exit);
    log.log('info', `ready${conn.pid !== undefined ? ` (pid ${conn.pid})` : ''}, protocol ${conn.protocolVersion ?? 'unknown'}`);
    try {
      await options.onConnected(conn);
    } catch (error) {
      log.log('warn', `listing the catalog failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (connection !== conn) return; // it died while we were listing
    setState('ready');
    startPing(conn);
  }

  function run(): Promise<void> {
    const current = attempt().finally(() => {
      if (attempting === current) attempting = undefined;
    });
    attempting = current;
    return current;
  }

  function onClosed(conn: UpstreamConnection, exit: UpstreamExit): void {
    if (connection !== conn) return;
    connection = undefined;
    stopPing();
    const how = pendingCloseReason ?? describeExit(exit);
    pendingCloseReason = undefined;
    options.onDisconnected();
    if (stopping) {
      failInflight(`Server "${name}" was stopped`);
      return;
    }
    log.log('error', `exited: ${how}`);
    failInflight(`Server "${name}" ${how} while the request was in flight`);
    scheduleRestart(how, isPermanent(exit));
  }

  function scheduleRestart(why: string, permanent: boolean, what?: string): void {
    if (stopping) return;
    if (permanent) {
      log.log('error', `failed: ${why} (not restarting: trying again cannot help)`);
      setState('failed', why, what);
      return;
    }
    const decision = policy.next();
    if (!decision.restart) {
      const message = `${why}; ${decision.reason}`;
      log.log('error', `failed: ${message}`);
      setState('failed', message, what);
      return;
    }
    restarts++;
    log.log('info', `restarting in ${decision.delayMs} ms (restart ${decision.attempt})`);
    setState('restarting', why, what);
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      void run();
    }, decision.delayMs);
  }

  function startPing(conn: UpstreamConnection): void {
    const ping = options.ping;
    if (!ping || ping.intervalMs <= 0) return;
    let failures = 0;
    let busy = false;
    pingTimer = setInterval(() => {
      if (busy || connection !== conn) return;
      busy = true;
      conn
        .request('ping', {}, { timeoutMs: ping.timeoutMs, signal: AbortSignal.timeout(ping.timeoutMs) })
        .then(
          () => (failures = 0),
          () => {
            failures++;
            log.log('warn', `ping failed (${failures}/${ping.failures})`);
            if (failures >= ping.failures && connection === conn && pendingCloseReason === undefined) {
              stopPing();
              pendingCloseReason = `stopped answering ping (${failures} failures)`;
              log.log('error', `${pendingCloseReason}: restarting it`);
              // Fail the calls now: closing a frozen process waits for its grace period.
              failInflight(`Server "${name}" ${pendingCloseReason} while the request was in flight`);
              setState('restarting', pendingCloseReason);
              void conn.close().catch(() => undefined);
            }
          },
        )
        .finally(() => (busy = false));
    }, ping.intervalMs);
    pingTimer.unref();
  }

  function stopPing(): void {
    if (pingTimer) clearInterval(pingTimer);
    pingTimer = undefined;
  }

  async function request(method: string, params: unknown, call: CallOptions = {}): Promise<unknown> {
    const conn = connection;
    if (!conn || state !== 'ready') {
      throw new HubRpcError(SERVER_UNAVAILABLE, `Server "${name}" is not available (${state}${reason ? `: ${reason}` : ''})`, {
        server: name,
      });
    }
    return callUpstream({ connection: conn, server: name, method, params, call, timeoutMs: options.callTimeoutMs, inflight, log });
  }

  return {
    name,
    get connection() {
      return connection;
    },
    inflight,
    status: () => ({
      name,
      state,
      transport: connection?.transport ?? transport,
      reason,
      ...(hint !== undefined && state !== 'ready' ? { hint } : {}),
      restarts,
      protocolVersion: connection?.protocolVersion,
      pid: connection?.pid,
    }),
    async start() {
      stopping = false;
      await run();
    },
    async stop() {
      stopping = true;
      generation++;
      stopLoginWatch?.();
      stopLoginWatch = undefined;
      if (restartTimer) clearTimeout(restartTimer);
      restartTimer = undefined;
      stopPing();
      // An attempt still connecting closes its own connection when it sees `stopping`.
      await attempting?.catch(() => undefined);
      const conn = connection;
      connection = undefined;
      failInflight(`Server "${name}" was stopped`);
      if (conn) {
        await conn.close().catch(() => undefined);
        log.log('info', 'stopped');
        options.onDisconnected();
      }
      setState('stopped');
    },
    request,
  };
}
