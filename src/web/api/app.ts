/**
 * The dashboard's HTTP API under /ui/api/ and its built page under /ui/ (hono). The hub's port
 * screens every request first (src/gateway/http/guard.ts: Host, Origin, JSON bodies); here, every
 * API route but the login wants the session cookie (401 without), and every state-changing one
 * an Origin naming this very server (403 otherwise). The handlers are thin: they call the same
 * core functions as the CLI (registry writes, approvals, connect, costs, pins, audit).
 */
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScopedServer } from '../../config/types.js';
import type { Hub, HubControl } from '../../hub/index.js';
import type { DownstreamContext } from '../../hub/types.js';
import { redactJson } from '../../secrets/redact/index.js';
import { createEventBus, type EventBus } from './bus.js';
import { COOKIE_NAME, createUiSessions, type UiSessions } from './session.js';
import { registerRoutes } from './routes.js';

export interface UiAppOptions {
  hub: Hub & HubControl;
  servers: readonly ScopedServer[];
  projectRoot: string;
  /** Whether a request carries the hub's token (the guard's `authenticate`): only then a login code. */
  authenticated(headers: Record<string, string | undefined>): boolean;
  /** Where the built page is (default dist/web/ui of this package). */
  assets?: string;
  sessions?: UiSessions;
  /** Pending approvals are read from patchbay.db this often while a page listens (default 500 ms). */
  approvalPollMs?: number;
}

export interface UiApp {
  app: Hono;
  sessions: UiSessions;
  bus: EventBus;
  close(): void;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function defaultAssets(): string {
  // dist/web/api/app.js → dist/web/ui; run from source (tests with tsx) → the built copy.
  const here = fileURLToPath(new URL('../ui/', import.meta.url));
  if (existsSync(join(here, 'index.html'))) return here;
  return fileURLToPath(new URL('../../../dist/web/ui/', import.meta.url));
}

/** The page's origin must be this server's own: the Host the request came to. */
function sameOrigin(c: Context): boolean {
  const origin = c.req.header('origin');
  const host = c.req.header('host');
  return origin !== undefined && host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

export function createUiApp(options: UiAppOptions): UiApp {
  const sessions = options.sessions ?? createUiSessions();
  const bus = createEventBus();
  const assets = options.assets ?? defaultAssets();
  const app = new Hono();
  const elicitations = new Map<string, (answer: unknown) => void>();

  app.use('/ui/api/*', async function requireSession(c, next) {
    if (c.req.path === '/ui/api/login-code') return next();
    if (!sessions.valid(getCookie(c, COOKIE_NAME))) return c.json({ error: 'Not logged in: run `patchbay ui` and open the URL it prints' }, 401);
    if (STATE_CHANGING.has(c.req.method) && !sameOrigin(c)) return c.json({ error: 'A state-changing request must come from the dashboard page itself (Origin)' }, 403);
    return next();
  });

  // `patchbay ui` asks for a code with the hub's bearer token.
  app.post('/ui/api/login-code', (c) => {
    if (!options.authenticated({ authorization: c.req.header('authorization'), host: c.req.header('host') })) return c.json({ error: 'Missing or wrong token: `patchbay token` prints it' }, 401);
    return c.json({ code: sessions.issueCode() });
  });

  app.get('/ui/login', (c) => {
    const session = sessions.redeem(c.req.query('code') ?? '');
    if (session === undefined) return c.html('<!doctype html><html lang="en"><title>Patchbay</title><p>This login link was already used or has expired. Run <code>patchbay ui</code> again for a new one.</p></html>', 401);
    setCookie(c, COOKIE_NAME, session, { httpOnly: true, sameSite: 'Strict', path: '/ui', maxAge: 12 * 3600 });
    return c.redirect('/ui/', 303);
  });

  /** The dashboard as an MCP client of the hub: elicitation questions go to the page. */
  function dashboardContext(signal: AbortSignal): DownstreamContext {
    return {
      sessionId: 'dashboard',
      client: 'dashboard',
      clientCapabilities: { elicitation: { form: {} } },
      protocolVersion: '2025-11-25',
      signal,
      // Progress and log messages of the page's own calls (the log lines reach the Logs view too).
      notify: (method, params) => bus.publish({ type: 'notification', method, params, time: Date.now() }),
      request(method, params) {
        if (method !== 'elicitation/create') return Promise.reject(new Error(`The dashboard cannot answer ${method}`));
        const id = randomUUID();
        bus.publish({ type: 'elicitation', id, params, time: Date.now() });
        return new Promise((resolve) => {
          elicitations.set(id, resolve);
          signal.addEventListener('abort', () => {
            elicitations.delete(id);
            resolve({ action: 'cancel' });
            // The page takes the question away: nobody waits for its answer now.
            bus.publish({ type: 'elicitation_done', id });
          });
        });
      },
    };
  }

  app.post('/ui/api/rpc', async (c) => {
    const body = (await c.req.json().catch(() => undefined)) as { method?: unknown; params?: unknown } | undefined;
    if (!body || typeof body.method !== 'string') return c.json({ error: 'Send {"method": "tools/call", "params": {...}}' }, 400);
    const request = { jsonrpc: '2.0', id: randomUUID(), method: body.method, params: body.params ?? {} };
    const started = performance.now();
    const controller = new AbortController();
    let response: Record<string, unknown>;
    try {
      response = { jsonrpc: '2.0', id: request.id, result: await options.hub.request(body.method, request.params, dashboardContext(controller.signal)) };
    } catch (error) {
      const e = error as { code?: number; message?: string; data?: unknown };
      response = { jsonrpc: '2.0', id: request.id, error: { code: e.code ?? -32603, message: e.message ?? String(error), ...(e.data !== undefined ? { data: e.data } : {}) } };
    }
    const ms = Math.round((performance.now() - started) * 10) / 10;
    return c.json(redactJson({ request, response, ms }) as object);
  });

  app.post('/ui/api/elicitations/:id', async (c) => {
    const resolve = elicitations.get(c.req.param('id'));
    if (!resolve) return c.json({ error: 'No such question is waiting (it was answered or the call ended)' }, 404);
    elicitations.delete(c.req.param('id'));
    resolve(await c.req.json());
    bus.publish({ type: 'elicitation_done', id: c.req.param('id') });
    return c.json({ ok: true });
  });

  const stopRoutes = registerRoutes(app, { ...options, bus, pollMs: options.approvalPollMs ?? 500 });

  app.get('/ui/*', async (c) => {
    const rel = c.req.path.slice('/ui/'.length);
    const file = rel === '' || !extname(rel) ? 'index.html' : rel;
    if (file.includes('..')) return c.text('Not found', 404);
    try {
      const body = await readFile(join(assets, file));
      const cache = file.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      return c.body(body, 200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': cache, 'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:", 'x-content-type-options': 'nosniff' });
    } catch {
      return file === 'index.html' ? c.text('The dashboard is not built: run `npm run build` in the Patchbay checkout', 500) : c.text('Not found', 404);
    }
  });
  app.get('/ui', (c) => c.redirect('/ui/', 301));

  return {
    app,
    sessions,
    bus,
    close() {
      stopRoutes();
      for (const resolve of elicitations.values()) resolve({ action: 'cancel' });
      elicitations.clear();
    },
  };
}
