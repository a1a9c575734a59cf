/**
 * Writes a provider's answer to the client as it arrives. Streams are written chunk by chunk
 * (never buffered), with backpressure, `ping` events on silences
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming#event-types: pings may appear
 * anywhere), and once the stream has started every failure becomes an `event: error` — the status
 * line is gone by then, and a client must see the stream end with a reason, not just stop.
 */
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { StreamEvent } from '../anthropic-types.js';
import { formatSseEvent } from '../stream-builder.js';
import type { ProviderAdapter, StreamTranslator, TranslationContext } from '../provider.js';
import { DROP_RESPONSE, applyUsage, createUsageTap, type TappedUsage } from '../anthropic/passthrough.js';
import { errorJson, sendError, sendJson } from './http.js';
import type { UpstreamResponse } from './upstream.js';
import { errorInfoOf } from './call.js';

export interface Delivery {
  status: number;
  usage: TappedUsage;
  /** Set when the answer ended in an error (upstream reset, malformed body, client gone). */
  error?: string;
}

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };
const PING = formatSseEvent({ type: 'ping' });

function emptyUsage(): TappedUsage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
}

function write(res: ServerResponse, text: string | Uint8Array): Promise<void> | undefined {
  if (res.write(text)) return undefined;
  return new Promise((resolve) => {
    const done = (): void => { res.off('drain', done); res.off('close', done); resolve(); };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** A timer that writes a ping after `intervalMs` of silence; `touch()` after every write. */
function pinger(res: ServerResponse, intervalMs: number): { touch(): void; stop(): void } {
  const timer = setTimeout(function ping() {
    if (res.writableEnded || res.destroyed) return;
    res.write(PING);
    timer.refresh();
  }, intervalMs);
  return { touch: () => timer.refresh(), stop: () => clearTimeout(timer) };
}

function streamError(message: string): string {
  return `event: error\ndata: ${errorJson('api_error', message)}\n\n`;
}

function usageFromEvents(events: StreamEvent[], usage: TappedUsage): void {
  for (const event of events) {
    if (event.type === 'message_start') applyUsage(usage, event.message.usage);
    else if (event.type === 'message_delta') applyUsage(usage, event.usage);
  }
}

function serialise(events: StreamEvent[]): string {
  if (events.length === 1) return formatSseEvent(events[0]!);
  let out = '';
  for (const event of events) out += formatSseEvent(event);
  return out;
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}

/** OpenAI/Gemini stream → adapter's translator → Anthropic SSE. */
export async function streamTranslated(res: ServerResponse, body: Readable, translator: StreamTranslator, pingMs: number, providerName: string): Promise<Delivery> {
  const usage = emptyUsage();
  res.writeHead(200, SSE_HEADERS);
  const ping = pinger(res, pingMs);
  let ended = false;
  try {
    for await (const chunk of body) {
      if (ended) continue; // drain, so the upstream connection goes back to the pool
      const events = translator.push(chunk as Uint8Array);
      if (events.length === 0) continue;
      usageFromEvents(events, usage);
      if (events[events.length - 1]!.type === 'message_stop') {
        // The message is complete: end now, with the last events and the chunked-encoding
        // terminator in one write, instead of waiting for the upstream's own end.
        ended = true;
        ping.stop();
        res.end(serialise(events));
        // A stop sequence Patchbay enforced ended the message while the model was still writing:
        // leaving the loop destroys the body, which cancels the upstream request.
        if (translator.stoppedEarly === true) break;
        continue;
      }
      ping.touch();
      await write(res, serialise(events));
    }
    if (!ended) {
      const tail = translator.end();
      usageFromEvents(tail, usage);
      res.end(tail.length > 0 ? serialise(tail) : undefined);
    }
    return { status: 200, usage };
  } catch (error) {
    if (ended) return { status: 200, usage }; // the client already has the whole message
    if (res.destroyed) return { status: 499, usage, error: 'client closed the connection' };
    const message = `${providerName} stream broke off (${describe(error)})`;
    res.end(streamError(message));
    return { status: 200, usage, error: message };
  } finally {
    ping.stop();
  }
}

/** Anthropic stream → the same bytes, with usage read on the side. */
export async function streamPassthrough(res: ServerResponse, upstream: UpstreamResponse, pingMs: number): Promise<Delivery> {
  const tap = createUsageTap();
  res.writeHead(upstream.status, responseHeaders(upstream));
  const ping = pinger(res, pingMs);
  try {
    for await (const chunk of upstream.body) {
      tap.push(chunk as Uint8Array);
      ping.touch();
      await write(res, chunk as Uint8Array);
    }
    res.end();
    return { status: upstream.status, usage: tap.usage, ...(tap.sawError ? { error: 'upstream sent an error event' } : {}) };
  } catch (error) {
    if (res.destroyed) return { status: 499, usage: tap.usage, error: 'client closed the connection' };
    const message = `anthropic stream broke off (${describe(error)})`;
    res.end(`\n\n${streamError(message)}`);
    return { status: upstream.status, usage: tap.usage, error: message };
  } finally {
    ping.stop();
  }
}

/**
 * A body as text, read with 'data' events: for-await's async iterator cost a few percent of the
 * proxy's CPU on a tiny answer (profile of bench/proxy), and a whole answer needs no backpressure.
 */
function readWhole(body: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.on('data', (chunk: Buffer) => chunks.push(chunk));
    body.once('error', reject);
    body.once('end', () => resolve((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8')));
    // A body destroyed without an error (the socket closed early) must not leave the request hanging.
    body.once('close', () => reject(new Error('the connection closed before the answer ended')));
  });
}

/** A whole OpenAI/Gemini answer → one Anthropic message. */
export async function sendTranslated(res: ServerResponse, body: Readable, adapter: ProviderAdapter, context: TranslationContext, providerName: string): Promise<Delivery> {
  const usage = emptyUsage();
  let text: string;
  try {
    text = await readWhole(body);
  } catch (error) {
    if (res.destroyed) return { status: 499, usage, error: 'client closed the connection' };
    const message = `${providerName} connection broke off while sending its answer (${describe(error)})`;
    sendError(res, 502, 'api_error', message);
    return { status: 502, usage, error: message };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const message = `${providerName} answered 200 with a body that is not JSON: ${text.slice(0, 120)}`;
    sendError(res, 502, 'api_error', message);
    return { status: 502, usage, error: message };
  }
  let message: ReturnType<ProviderAdapter['parseResponse']>;
  try {
    message = adapter.parseResponse(parsed, context);
  } catch (error) {
    const info = errorInfoOf(error);
    if (!info) throw error;
    sendError(res, info.status, info.type, `${providerName}: ${info.message}`);
    return { status: info.status, usage, error: info.message };
  }
  applyUsage(usage, message.usage);
  sendJson(res, 200, JSON.stringify(message));
  return { status: 200, usage };
}

/** A whole Anthropic answer, bytes as they come. */
export async function sendPassthrough(res: ServerResponse, upstream: UpstreamResponse): Promise<Delivery> {
  const usage = emptyUsage();
  const chunks: Buffer[] = [];
  res.writeHead(upstream.status, responseHeaders(upstream));
  try {
    for await (const chunk of upstream.body) {
      chunks.push(chunk as Buffer);
      await write(res, chunk as Buffer);
    }
    res.end();
  } catch (error) {
    res.destroy();
    return { status: upstream.status, usage, error: `anthropic connection broke off (${describe(error)})` };
  }
  try {
    applyUsage(usage, (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { usage?: Parameters<typeof applyUsage>[1] }).usage);
  } catch { /* not our body to judge; usage stays zero */ }
  return { status: upstream.status, usage };
}

function responseHeaders(upstream: UpstreamResponse): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value !== undefined && !DROP_RESPONSE.has(name)) out[name] = value;
  }
  return out;
}
