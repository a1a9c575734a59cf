/**
 * The read and steer routes of /ui/api/ (documented in src/web/README.md). Each calls the core
 * function the CLI calls: registry writes (config/scopes.ts), approvals (policy/approvals),
 * host connections (hosts/connect.ts), costs (UsageStore), pins and audit (policy/).
 */
import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { readFile } from 'node:fs/promises';
import { isScope, setServerEnabled, setToolEnabled } from '../../config/scopes.js';
import type { ScopedServer } from '../../config/types.js';
import type { Hub, HubControl } from '../../hub/index.js';
import { HOST_IDS, isGatewayEntry, resolveHost } from '../../hosts/targets.js';
import { sandboxLabel } from '../../sandbox/options.js';
import { redactJson } from '../../secrets/redact/index.js';
import { errorOf, sink } from './answers.js';
import type { EventBus } from './bus.js';
import { registerCatalogRoutes } from './catalog-routes.js';
import { registerSecurityRoutes } from './security-routes.js';
import { servedTools } from './served-tools.js';

export interface RouteOptions {
  hub: Hub & HubControl;
  servers: readonly ScopedServer[];
  projectRoot: string;
  bus: EventBus;
  pollMs: number;
}

export function registerRoutes(app: Hono, options: RouteOptions): () => void {
  const { hub, bus } = options;
  const byName = new Map(options.servers.map((s) => [s.name, s]));

  const offHub = hub.on((event) => {
    if (event.type === 'status') bus.publish({ type: 'status', server: event.server });
    if (event.type === 'list_changed') bus.publish({ type: 'list_changed', kind: event.kind });
  });
  // Every client's requests and every server's log lines (stderr, lifecycle, MCP log messages).
  bus.whileListened(() => {
    const offTraffic = hub.watchTraffic((record) => bus.publish({ type: 'traffic', ...record }));
    const offLogs = hub.watchLogs((line) => bus.publish({ type: 'log', server: line.source, level: line.level, message: line.message, time: line.time }));
    return () => {
      offTraffic();
      offLogs();
    };
  });

  app.get('/ui/api/servers', async (c) => {
    const served = await servedTools(hub, byName);
    const servers = hub.status().map((status) => {
      const server = byName.get(status.name);
      const prefix = server?.entry.patchbay?.prefix ?? status.name;
      return { ...status, prefix, enabled: server?.entry.patchbay?.disabled !== true, scope: server?.scope, sandbox: server ? (sandboxLabel(server.entry) ?? 'none') : 'none', disabledTools: server?.entry.patchbay?.denyTools ?? [], tools: served.get(status.name) ?? [] };
    });
    return c.json(redactJson({ servers }) as object);
  });

  app.post('/ui/api/servers/:name/:action{start|stop|restart}', async (c) => {
    const name = c.req.param('name');
    const done = await hub.control(name, c.req.param('action') as 'start' | 'stop' | 'restart');
    return done ? c.json({ ok: true }) : c.json({ error: `No server named "${name}"` }, 404);
  });

  /**
   * {"enabled": false} for the server, {"tool": "echo", "enabled": false} for one tool, or
   * {"tools": ["a", "b"], "enabled": false} for several at once (one registry write each, in order).
   */
  app.post('/ui/api/servers/:name/enabled', async (c) => {
    const name = c.req.param('name');
    const server = byName.get(name);
    const body = (await c.req.json().catch(() => ({}))) as { tool?: unknown; tools?: unknown; enabled?: unknown };
    if (!server) return c.json({ error: `No server named "${name}"` }, 404);
    const tools = typeof body.tool === 'string' ? [body.tool] : Array.isArray(body.tools) && body.tools.every((t) => typeof t === 'string') ? (body.tools as string[]) : undefined;
    if (typeof body.enabled !== 'boolean' || (body.tool !== undefined && typeof body.tool !== 'string') || (body.tools !== undefined && !tools)) {
      return c.json({ error: 'Send {"enabled": true|false}, optionally with "tool": "NAME" or "tools": ["NAME", …]' }, 400);
    }
    if (!isScope(server.scope)) return c.json({ error: `"${name}" comes from ${server.scope}, which Patchbay does not write; change it there` }, 409);
    try {
      const patchbay = { ...server.entry.patchbay };
      if (tools) {
        const deny = new Set(patchbay.denyTools ?? []);
        for (const tool of tools) {
          await setToolEnabled(server.scope, options.projectRoot, name, tool, body.enabled);
          hub.setToolEnabled(name, tool, body.enabled);
          if (body.enabled) deny.delete(tool);
          else deny.add(tool);
        }
        patchbay.denyTools = [...deny];
      } else {
        await setServerEnabled(server.scope, options.projectRoot, name, body.enabled);
        await hub.control(name, body.enabled ? 'start' : 'stop');
        patchbay.disabled = !body.enabled;
      }
      byName.set(name, { ...server, entry: { ...server.entry, patchbay } });
      return c.json({ ok: true });
    } catch (error) {
      return c.json(errorOf(error), 500);
    }
  });

  app.get('/ui/api/approvals', async (c) => {
    const { openApprovalStore } = await import('../../policy/approvals/store.js');
    const store = openApprovalStore();
    try {
      return c.json({ approvals: store.list(c.req.query('all') ? { since: Date.now() - 86_400_000 } : { status: 'pending' }) });
    } finally {
      store.close();
    }
  });

  app.post('/ui/api/approvals/:id', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { decision?: unknown };
    const answers: Record<string, { status: 'allowed' | 'denied'; scope?: 'once' | 'session' | 'always' }> = {
      once: { status: 'allowed', scope: 'once' },
      session: { status: 'allowed', scope: 'session' },
      always: { status: 'allowed', scope: 'always' },
      deny: { status: 'denied' },
    };
    const answer = typeof body.decision === 'string' ? answers[body.decision] : undefined;
    if (!answer) return c.json({ error: 'Send {"decision": "once" | "session" | "always" | "deny"}' }, 400);
    const { answerApprovalCommand } = await import('../../policy/approvals/commands.js');
    try {
      return c.json({ approval: await answerApprovalCommand(c.req.param('id'), answer, { by: 'dashboard' }, sink()) });
    } catch (error) {
      return c.json(errorOf(error), 409);
    }
  });

  app.get('/ui/api/costs', async (c) => {
    const { openUsageStore, usageDbExists, defaultUsageDbPath, totalOf } = await import('../../store/usage-store.js');
    const by = (['day', 'model', 'provider', 'client'] as const).find((b) => b === c.req.query('by')) ?? 'day';
    if (!usageDbExists(defaultUsageDbPath())) return c.json({ by, rows: [], total: null });
    const store = openUsageStore();
    try {
      const since = c.req.query('since');
      const rows = store.query({ by, ...(since ? { since } : {}) });
      return c.json({ by, rows, total: totalOf(rows) });
    } catch (error) {
      return c.json(errorOf(error), 400);
    } finally {
      await store.close();
    }
  });

  app.get('/ui/api/hosts', async (c) => {
    const hosts = await Promise.all(
      HOST_IDS.map(async (id) => {
        const target = resolveHost(id, options.projectRoot);
        let connected = false;
        try {
          const data = JSON.parse(await readFile(target.file, 'utf8')) as Record<string, Record<string, unknown> | undefined>;
          connected = Object.values(data[target.key] ?? {}).some(isGatewayEntry);
        } catch {
          connected = false;
        }
        return { id, label: target.label, file: target.file, connected };
      }),
    );
    return c.json({ hosts });
  });

  app.post('/ui/api/hosts/:id/:action{connect|disconnect}', async (c) => {
    const { connectHost, disconnectHost } = await import('../../hosts/connect.js');
    try {
      const host = c.req.param('id');
      const result = c.req.param('action') === 'connect' ? await connectHost({ host, cwd: options.projectRoot }) : await disconnectHost({ host, cwd: options.projectRoot });
      return c.json({ ok: true, file: result.target.file });
    } catch (error) {
      return c.json(errorOf(error), 400);
    }
  });

  registerSecurityRoutes(app, { hub, projectRoot: options.projectRoot, servers: byName });
  registerCatalogRoutes(app, { projectRoot: options.projectRoot });

  app.get('/ui/api/events', (c) =>
    streamSSE(c, async (stream) => {
      const queue: string[] = [];
      let wake: (() => void) | undefined;
      const push = (event: unknown) => {
        queue.push(JSON.stringify(event));
        wake?.();
      };
      for (const event of bus.recent()) push(event);
      const off = bus.subscribe(push);
      // Approvals are rows in patchbay.db that the CLI, a client's dialog or this page may answer.
      // The first poll always reports, so a page (or script) learns the state, empty or not.
      let seen: string | undefined;
      const { openApprovalStore } = await import('../../policy/approvals/store.js');
      const store = openApprovalStore();
      const poll = () => {
        try {
          const pending = store.list({ status: 'pending' });
          const key = pending.map((p) => p.id).join(',');
          if (key !== seen) {
            seen = key;
            push({ type: 'approvals', pending });
          }
        } catch {
          /* the next poll tries again */
        }
      };
      poll();
      const timer = setInterval(poll, options.pollMs);
      let open = true;
      stream.onAbort(() => {
        open = false;
        wake?.();
      });
      try {
        while (open) {
          while (queue.length > 0 && open) await stream.writeSSE({ data: queue.shift()! });
          if (!open) break;
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, 15_000);
          });
          wake = undefined;
          if (queue.length === 0) await stream.writeSSE({ event: 'ping', data: '{}' });
        }
      } finally {
        clearInterval(timer);
        off();
        store.close();
      }
    }),
  );

  return () => offHub();
}
