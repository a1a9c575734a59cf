/**
 * The one way Patchbay's model-using servers (src/servers/models, search, agent) reach models:
 * through Patchbay's own proxy, never a provider directly. A server holds a `ModelChannel`; what
 * is behind it is one of two things:
 *
 * - in-process (`openInProcessChannel`): the proxy object the hub already runs (its listener,
 *   routing, keys, retries, rate limits and cost ledger), mounted on a private 127.0.0.1 socket
 *   of this process with a random one-process credential;
 * - over HTTP (`createHttpChannel`): a running `patchbay up` / `patchbay proxy`, with a client
 *   token (`patchbay clients add NAME`), so the proxy books the usage under that client.
 *
 * Either way the server process sees Patchbay's URL and a Patchbay credential, never a provider
 * key: the keys stay in the proxy. Answers come back in Anthropic's Messages shape
 * (https://docs.anthropic.com/en/api/messages), with the provider and model the proxy chose
 * (`x-patchbay-route`) so callers can price them against `models()`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { ContentBlock, MessagesRequest, MessagesResponse } from '../anthropic-types.js';
import { SseParser } from '../sse-parser.js';

export interface ModelPrice {
  /** USD per million tokens. */
  input: number;
  output: number;
}

export interface RoutableModel {
  /** What to ask for: an alias (`fast`) or a route (`openai,gpt-4.1`). */
  id: string;
  provider?: string;
  model?: string;
  price: ModelPrice | null;
}

export interface ChannelAnswer {
  response: MessagesResponse;
  /** The provider and model that answered, as the proxy reports them (`x-patchbay-route`). */
  provider?: string;
  model?: string;
  /** USD for this answer from the proxy's price table (`x-patchbay-price`); null when unpriced. */
  costUsd: number | null;
}

export interface MessagesOptions {
  signal?: AbortSignal;
  /** Given: the answer is streamed and each text delta is handed here as it arrives. */
  onText?: (delta: string) => void;
  /**
   * Who this call is for, when the server knows its caller (in-process, the hub's calling
   * client): sent as `x-patchbay-client` in place of the channel's own. The proxy honours it
   * only for Patchbay's shared token; a client token's name always wins.
   */
  client?: string;
}

/** A model call refused or failed at the proxy or the provider; `status` is the proxy's HTTP status. */
export class ModelCallError extends Error {
  override readonly name = 'ModelCallError';
  constructor(readonly status: number, readonly type: string, message: string) {
    super(message);
  }
}

export interface ModelChannel {
  /** Where a child process (Claude Code) is pointed: ANTHROPIC_BASE_URL and ANTHROPIC_AUTH_TOKEN. */
  readonly endpoint: { url: string; token: string };
  messages(request: MessagesRequest, options?: MessagesOptions): Promise<ChannelAnswer>;
  models(): Promise<RoutableModel[]>;
  close(): Promise<void>;
}

export interface HttpChannelOptions {
  /** The proxy's base URL (`http://127.0.0.1:8765`); `/v1/messages` is appended. */
  url: string;
  /** A client token (or Patchbay's shared token, then `client` names the caller). */
  token: string;
  /** Sent as `x-patchbay-client`; the proxy ignores it for a client token, whose name wins. */
  client?: string;
}

export function createHttpChannel(options: HttpChannelOptions): ModelChannel {
  const base = options.url.replace(/\/+$/, '');
  const headers: Record<string, string> = {
    'x-api-key': options.token,
    'anthropic-version': '2023-06-01',
    'content-type': 'application/json',
    ...(options.client ? { 'x-patchbay-client': options.client } : {}),
  };

  async function fail(response: Response): Promise<never> {
    const text = await response.text().catch(() => '');
    let type = 'api_error';
    let message = text.slice(0, 500) || `HTTP ${response.status}`;
    try {
      const body = JSON.parse(text) as { error?: { type?: string; message?: string } };
      if (body.error?.message) ({ message } = body.error);
      if (body.error?.type) ({ type } = body.error);
    } catch { /* not JSON: keep the text */ }
    if (response.status === 401) message += ' (the channel\'s token: `patchbay clients add NAME` prints one)';
    throw new ModelCallError(response.status, type, message);
  }

  return {
    endpoint: { url: base, token: options.token },
    async messages(request, { signal, onText, client } = {}) {
      const stream = onText !== undefined;
      let response: Response;
      try {
        const callHeaders = client ? { ...headers, 'x-patchbay-client': client } : headers;
        response = await fetch(`${base}/v1/messages`, { method: 'POST', headers: callHeaders, body: JSON.stringify({ ...request, stream }), ...(signal ? { signal } : {}) });
      } catch (error) {
        if (signal?.aborted) throw error;
        throw new ModelCallError(502, 'api_error', `cannot reach Patchbay's model proxy at ${base} (${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}); is \`patchbay up\` running?`);
      }
      if (!response.ok) return fail(response);
      const [provider, model] = splitRoute(response.headers.get('x-patchbay-route'));
      const answer = stream ? await readStream(response, onText!) : ((await response.json()) as MessagesResponse);
      const costUsd = priceAnswer(response.headers.get('x-patchbay-price'), answer);
      return { response: answer, costUsd, ...(provider ? { provider } : {}), ...(model ? { model } : {}) };
    },
    async models() {
      const response = await fetch(`${base}/v1/models`, { headers });
      if (!response.ok) return fail(response);
      const body = (await response.json()) as { data: Array<{ id: string; patchbay?: { provider?: string; model?: string; price?: ModelPrice | null } }> };
      return body.data.map((m) => ({
        id: m.id,
        ...(m.patchbay?.provider ? { provider: m.patchbay.provider } : {}),
        ...(m.patchbay?.model ? { model: m.patchbay.model } : {}),
        price: m.patchbay?.price ?? null,
      }));
    },
    close: async () => undefined,
  };
}

/** The proxy's request listener, as `createProxyServer(...).listener` returns it. */
export type ProxyListener = Parameters<typeof createServer>[1];

export interface InProcessChannelOptions {
  /** The proxy the hub runs (createProxyServer(...).listener). */
  listener: NonNullable<ProxyListener>;
  /** Patchbay's key the listener accepts; without one, a fresh random key is checked here. */
  token: string;
  /** Who the usage is booked under (`x-patchbay-client`). */
  client: string;
}

/**
 * The hub's own proxy, reached without leaving the process: a socket on 127.0.0.1 that only
 * this process knows the port of, in front of the very listener the hub serves `/v1/` with.
 */
export async function openInProcessChannel(options: InProcessChannelOptions): Promise<ModelChannel> {
  const server = createServer(options.listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const channel = createHttpChannel({ url: `http://127.0.0.1:${port}`, token: options.token, client: options.client });
  return {
    ...channel,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** A credential no one else has, for tests and in-process proxies that check their own. */
export function randomChannelToken(): string {
  return `pb_${randomBytes(24).toString('base64url')}`;
}

/** The proxy's `input,output,cacheRead,cacheWrite` USD per million tokens times the answer's usage. */
function priceAnswer(header: string | null, answer: MessagesResponse): number | null {
  if (!header) return null;
  const [input = 0, output = 0, cacheRead = 0, cacheWrite = 0] = header.split(',').map(Number);
  const u = answer.usage;
  const usd = ((u.input_tokens ?? 0) * input + (u.output_tokens ?? 0) * output + (u.cache_read_input_tokens ?? 0) * cacheRead + (u.cache_creation_input_tokens ?? 0) * cacheWrite) / 1_000_000;
  return Number.isFinite(usd) ? usd : null;
}

function splitRoute(header: string | null): [string | undefined, string | undefined] {
  if (!header) return [undefined, undefined];
  const comma = header.indexOf(',');
  return comma === -1 ? [header, undefined] : [header.slice(0, comma), header.slice(comma + 1)];
}

/** Rebuilds the message from the proxy's SSE (text, thinking and tool blocks; usage from start and delta). */
async function readStream(response: Response, onText: (delta: string) => void): Promise<MessagesResponse> {
  const parser = new SseParser();
  let message: MessagesResponse | undefined;
  const blocks: Array<Record<string, unknown>> = [];
  const json: string[] = [];
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    for (const event of parser.push(chunk)) {
      if (!event.data) continue;
      const data = JSON.parse(event.data) as Record<string, any>;
      switch (data.type) {
        case 'message_start': message = { ...data.message, content: [] }; break;
        case 'content_block_start': blocks[data.index] = { ...data.content_block }; json[data.index] = ''; break;
        case 'content_block_delta': {
          const block = blocks[data.index];
          const d = data.delta;
          if (!block) break;
          if (d.type === 'text_delta') { block.text = `${block.text ?? ''}${d.text}`; onText(d.text); }
          else if (d.type === 'thinking_delta') block.thinking = `${block.thinking ?? ''}${d.thinking}`;
          else if (d.type === 'input_json_delta') json[data.index] += d.partial_json;
          break;
        }
        case 'content_block_stop': {
          const block = blocks[data.index];
          if (block && block.type === 'tool_use' && json[data.index]) block.input = JSON.parse(json[data.index]!);
          break;
        }
        case 'message_delta':
          if (message) {
            message.stop_reason = data.delta?.stop_reason ?? message.stop_reason;
            message.usage = { ...message.usage, ...data.usage };
          }
          break;
        case 'error': throw new ModelCallError(502, data.error?.type ?? 'api_error', data.error?.message ?? 'the stream ended with an error');
        default: break;
      }
    }
  }
  if (!message) throw new ModelCallError(502, 'api_error', 'the proxy\'s stream ended before a message started');
  message.content = blocks.filter(Boolean) as unknown as ContentBlock[];
  return message;
}
