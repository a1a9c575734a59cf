/**
 * The gateway: one MCP endpoint in front of the hub, over Streamable HTTP (both protocol eras on
 * one URL) and stdio. `createGateway` wires the parts; `serveHttp` and `serveStdio` attach a
 * transport.
 */
import type { ClientResolver } from '../auth/client-store.js';
import type { Hub } from '../hub/types.js';
import { createDispatcher, type Dispatcher } from './dispatcher.js';
import { createEventFanout, type EventFanout } from './events.js';
import { formatBytes } from './http/body.js';
import { createMcpHandler, type McpHandler } from './http/mcp-handler.js';
import type { OutboxOptions } from './http/outbox.js';
import type { ResumeOptions } from './http/session-streams.js';
import { startHttpServer, type GatewayHttpServer, type NodeListener } from './http/server.js';
import { createSessionStore, mostRecentSession, type SessionStore } from './session.js';

export const DEFAULT_PORT = 8765;
export const DEFAULT_HOST = '127.0.0.1';
/** Generous on purpose: base64 images and file contents pass through here (see README). */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface GatewayOptions {
  hub: Hub;
  serverInfo?: { name: string; version: string };
  instructions?: string;
  maxBodyBytes?: number;
  inputTimeoutMs?: number;
  /** A legacy HTTP session idle this long, with no open stream and no call, is ended (default 1 h). */
  sessionIdleMs?: number;
  /** How often idle sessions are looked for (default a minute, or sessionIdleMs when shorter). */
  sessionSweepMs?: number;
  /** SSE resumability of legacy HTTP sessions: grace period for dropped calls, replay limits, retry. */
  resume?: Partial<ResumeOptions>;
  /** Operator-facing lines (streams not resumed, unknown Last-Event-ID); `patchbay up` prints them on stderr. */
  log?: (line: string) => void;
  /** What is held for clients that do not read their answers: caps and the stall timeout (http/outbox.ts). */
  outbox?: Omit<OutboxOptions, 'log'>;
}

export interface Gateway {
  readonly hub: Hub;
  readonly dispatcher: Dispatcher;
  readonly sessions: SessionStore;
  readonly fanout: EventFanout;
  readonly mcp: McpHandler;
  serveHttp(options: { host?: string; port?: number; token: string | undefined; clients?: ClientResolver; allowedHosts?: string[]; proxy?: NodeListener; ui?: NodeListener }): Promise<GatewayHttpServer>;
  close(): Promise<void>;
}

export function createGateway(options: GatewayOptions): Gateway {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const sessions = createSessionStore();
  const dispatcher = createDispatcher({ hub: options.hub, serverInfo: options.serverInfo, instructions: options.instructions, inputTimeoutMs: options.inputTimeoutMs });
  const fanout = createEventFanout(options.hub, sessions);
  const mcp = createMcpHandler({
    hub: options.hub,
    dispatcher,
    sessions,
    fanout,
    maxBodyBytes,
    sessionIdleMs: options.sessionIdleMs,
    sessionSweepMs: options.sessionSweepMs,
    resume: options.resume,
    outbox: options.outbox,
    log: options.log,
    bodyLimitHint: `Raise it with \`patchbay up --max-body-mb ${Math.ceil((maxBodyBytes * 2) / (1024 * 1024))}\` (or PATCHBAY_MAX_BODY_MB); the session is still open. Current limit: ${formatBytes(maxBodyBytes)}.`,
  });
  const servers: GatewayHttpServer[] = [];
  // A server's roots/list outside any call goes to one of these sessions (session.ts says which).
  const detachClients = options.hub.attachClients?.({
    mostRecent(capability) {
      const session = mostRecentSession(sessions.values(), capability);
      return session && dispatcher.clientOf(session);
    },
  });

  return {
    hub: options.hub,
    dispatcher,
    sessions,
    fanout,
    mcp,
    async serveHttp(http) {
      const server = await startHttpServer({
        host: http.host ?? DEFAULT_HOST,
        port: http.port ?? DEFAULT_PORT,
        token: http.token,
        clients: http.clients,
        allowedHosts: http.allowedHosts,
        mcp,
        proxy: http.proxy,
        ui: http.ui,
      });
      servers.push(server);
      return server;
    },
    async close() {
      detachClients?.();
      mcp.closeAll();
      fanout.close();
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
