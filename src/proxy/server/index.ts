/**
 * The model proxy's HTTP surface: the Anthropic Messages API
 * (https://docs.anthropic.com/en/api/messages) in front of any configured provider.
 * A plain node:http listener rather than a framework router: three routes do not need one, and
 * the hot path stays a string compare and one JSON.parse. The listener is mountable: `patchbay
 * up` hands it requests under `/v1/` on the hub's port; `patchbay proxy` serves it alone.
 *
 * Safe by default: every request needs Patchbay's key (`Authorization: Bearer` or `x-api-key`),
 * bodies are capped (413 request_too_large), and the key never goes upstream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClientResolver } from '../../auth/client-store.js';
import { presentedCredential, tokenMatches } from '../../auth/token.js';
import type { ProxySettings } from '../config/types.js';
import type { ProviderAdapter, ProviderKind } from '../provider.js';
import { createProviderRouter } from '../routing/router.js';
import { BodyTooLargeError, formatBytes, readBody, sendError, sendJson } from './http.js';
import { handleCountTokens, handleMessages, type MessagesDeps } from './messages.js';
import { loadAdapters, loadOps, type ProxyOps, type UsageSink } from './ops.js';
import { createUpstreamClient } from './upstream.js';

export interface ProxyServerOptions {
  settings: ProxySettings;
  /** Patchbay's key (`loadOrCreateToken()`); clients must present it, or a client token. */
  token: string;
  /** Per-client tokens (`patchbay clients add`): usage is recorded under the client's name. */
  clients?: ClientResolver;
  /** Defaults to the installed OpenAI and Gemini translations. */
  adapters?: Partial<Record<ProviderKind, ProviderAdapter>>;
  /** Where usage records go; default Patchbay's SQLite usage store; `false` records nothing. */
  usage?: UsageSink | false;
  /** Overrides settings.pingIntervalMs (tests use a short one). */
  pingIntervalMs?: number;
  /** Called with one line per unexpected failure; default stderr. Never given secrets. */
  log?: (line: string) => void;
}

export interface ProxyServer {
  listener: (req: IncomingMessage, res: ServerResponse) => void;
  /** Resolves when adapters and proxy ops are loaded (the listener waits for it by itself). */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function createProxyServer(options: ProxyServerOptions): ProxyServer {
  const { settings, token } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`patchbay proxy: ${line}\n`));
  const upstream = createUpstreamClient();
  let usageClose: (() => Promise<void>) | undefined;
  let deps: MessagesDeps | undefined;

  const ready = (async () => {
    const adapters = options.adapters ?? (await loadAdapters(log));
    let usage: UsageSink | undefined;
    if (options.usage === undefined) {
      const store = await openDefaultUsageStore(log);
      if (store) { usage = store; usageClose = () => store.close(); }
    } else if (options.usage !== false) {
      usage = options.usage;
    }
    const ops: ProxyOps = await loadOps({ rateLimits: settings.rateLimits, prices: settings.prices, source: settings.source, ...(usage ? { usage } : {}) });
    deps = {
      settings,
      router: createProviderRouter(settings, { estimateTokens: ops.estimateRequestTokens }),
      upstream,
      adapters,
      ops,
      pingIntervalMs: options.pingIntervalMs ?? settings.pingIntervalMs,
    };
  })();
  ready.catch(() => undefined); // surfaced per request and by awaiting `ready`

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    let path = q === -1 ? url : url.slice(0, q);
    const query = q === -1 ? '' : url.slice(q);
    if (path.startsWith('/v1/')) path = path.slice(3);
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);

    const credential = presentedCredential({ authorization: req.headers.authorization, 'x-api-key': req.headers['x-api-key'] as string | undefined });
    const caller = tokenMatches(credential, token) ? 'default' : credential === undefined ? undefined : options.clients?.resolve(credential);
    if (caller === undefined) {
      req.resume();
      sendError(res, 401, 'authentication_error', credential === undefined
        ? 'Patchbay needs its key: send it as "x-api-key" or "Authorization: Bearer" (ANTHROPIC_AUTH_TOKEN; see `patchbay env`)'
        : 'that key is not Patchbay\'s key (see `patchbay env` for the current one)');
      return;
    }
    const isPost = req.method === 'POST';
    if (path === '/models' && req.method === 'GET') { req.resume(); await ready.catch(() => undefined); listModels(res); return; }
    if ((path !== '/messages' && path !== '/messages/count_tokens') || !isPost) {
      req.resume();
      sendError(res, 404, 'not_found_error', `${req.method} ${path === '/' ? '/' : `/v1${path}`} is not an endpoint of Patchbay's model proxy (it serves POST /v1/messages, POST /v1/messages/count_tokens and GET /v1/models)`);
      return;
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, settings.maxRequestBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendError(res, 413, 'request_too_large', `${error.message}; shorten the conversation (e.g. /compact in Claude Code) or raise proxy.maxRequestBytes in ${settings.source === 'environment' ? 'Patchbay\'s config.json' : settings.source} (now ${formatBytes(settings.maxRequestBytes)})`, { connection: 'close' });
        return;
      }
      throw error;
    }
    try {
      await ready;
    } catch (error) {
      // A config mistake (proxy.rateLimits, proxy.prices) found at start: say it on every request.
      sendError(res, 500, 'api_error', `Patchbay's model proxy could not start: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const controller = new AbortController();
    // A client that goes away must not leave an upstream generation running (and billing).
    res.on('close', () => { if (!res.writableFinished) controller.abort(); });
    if (path === '/messages') await handleMessages(deps!, req, res, raw, query, controller.signal, caller);
    else await handleCountTokens(deps!, req, res, raw, query, controller.signal);
  }

  function listModels(res: ServerResponse): void {
    const ids = new Set<string>();
    for (const alias of settings.aliases.keys()) ids.add(alias);
    const { router } = settings;
    for (const ref of [router.default, router.background, router.think, router.longContext, router.webSearch]) {
      if (ref?.model) ids.add(ref.text);
    }
    // `patchbay`: an extension Anthropic's clients ignore: where each id routes and its price, for
    // `patchbay server models` (list_models) to show and to price answers with.
    const data = [...ids].map((id) => ({ type: 'model', id, display_name: id, created_at: '1970-01-01T00:00:00Z', patchbay: routeInfo(id) }));
    sendJson(res, 200, JSON.stringify({ data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null }));
  }

  function routeInfo(id: string): { provider: string; model: string | null; price: { input: number; output: number } | null } | undefined {
    const ref = settings.aliases.get(id) ?? [settings.router.default, settings.router.background, settings.router.think, settings.router.longContext, settings.router.webSearch].find((r) => r?.text === id);
    if (!ref) return undefined;
    const price = ref.model && deps?.ops.priceOf ? deps.ops.priceOf(ref.provider, ref.model) : undefined;
    return { provider: ref.provider, model: ref.model ?? null, price: price ? { input: price.input, output: price.output } : null };
  }

  return {
    ready,
    listener: function patchbayProxy(req, res) {
      handle(req, res).catch((error: unknown) => {
        if (res.destroyed) return; // the client left; the abort is the expected way out
        log(`internal error on ${req.method} ${req.url?.split('?')[0]}: ${error instanceof Error ? error.message : String(error)}`);
        if (!res.headersSent) sendError(res, 500, 'api_error', `internal error in Patchbay's proxy: ${error instanceof Error ? error.message : String(error)}`);
        else res.end();
      });
    },
    async close() {
      await upstream.close();
      await usageClose?.();
    },
  };
}

/** Patchbay's SQLite usage store; a proxy that cannot open it still serves, and says why. */
async function openDefaultUsageStore(log: (line: string) => void): Promise<(UsageSink & { close(): Promise<void> }) | undefined> {
  try {
    const { openUsageStore } = await import('../../store/usage-store.js');
    return openUsageStore();
  } catch (error) {
    log(`usage is not recorded: ${(error as Error).message}`);
    return undefined;
  }
}

export type { ProxySettings } from '../config/types.js';
