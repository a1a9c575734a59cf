/**
 * `ask`, `consensus` and `list_models`: other models as tools, every call through Patchbay's
 * proxy (src/proxy/channel), so routing, keys, retries, rate limits and the cost ledger apply
 * and `patchbay cost --by client` shows the calls under the channel's client. Each answer says
 * which provider and model gave it, its tokens and its cost. Consensus members are asked at the
 * same time; one failing is reported beside the others' answers. Progress goes to the client
 * while text arrives; a cancelled call aborts the proxy request, which closes the upstream one.
 */
import { randomUUID } from 'node:crypto';
import { McpServer, type ServerContext } from '@modelcontextprotocol/server';
import * as z from 'zod';
import type { ChannelAnswer, MessagesOptions, ModelChannel } from '../../proxy/channel/index.js';
import { redactKnownSecrets } from '../../secrets/redact/index.js';
import type { ThreadStore } from '../../store/thread-store.js';
import { callerOf } from '../caller.js';
import { OutsideRootsError, type Roots } from '../roots.js';
import { PromptInputError, answerText, buildRequest, userContent } from './prompt.js';

export interface ModelsServerOptions {
  channel: ModelChannel;
  threads: ThreadStore;
  roots: Roots;
  /** Asked when `model` is not given (default "default": the proxy's default route). */
  defaultModel?: string;
  /** Writes the consensus synthesis (default: defaultModel). */
  synthesisModel?: string;
  maxTokens?: number;
  /** Input-token budget per request; thread history beyond it is dropped, oldest first. */
  contextTokens?: number;
}

const STANCES = {
  for: 'Argue for the proposal: find its strongest case, but do not invent facts.',
  against: 'Argue against the proposal: find its weaknesses and risks, but do not invent facts.',
  neutral: 'Weigh the proposal evenly and say where you land.',
} as const;

const answerShape = {
  model: z.string(),
  provider: z.string().nullable(),
  text: z.string(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  cost_usd: z.number().nullable(),
};

export function createModelsMcpServer(options: ModelsServerOptions): McpServer {
  const { channel, threads, roots } = options;
  const defaultModel = options.defaultModel ?? 'default';
  const maxTokens = options.maxTokens ?? 4096;
  const contextTokens = options.contextTokens ?? 100_000;
  const server = new McpServer({ name: 'patchbay-models', version: '0.1.0' });

  const files = z.array(z.string()).max(20).optional().describe('paths inside the server\'s roots, read as text');

  server.registerTool('ask', {
    title: 'Ask a model',
    description: 'Ask one model (any the proxy routes to; see list_models). Pass `thread` from an earlier answer to continue that conversation.',
    inputSchema: z.object({
      prompt: z.string().min(1),
      model: z.string().optional(),
      files,
      images: z.array(z.string()).max(10).optional().describe('image paths inside the roots'),
      thread: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
    }),
    outputSchema: z.object({ ...answerShape, thread: z.string(), dropped_turns: z.number() }),
  }, async ({ prompt, model, files: paths, images, thread }, ctx) => run(async () => {
    const id = thread ?? randomUUID();
    // In the hub, one client cannot continue (or read) another's thread: the key names the caller.
    const caller = callerOf(ctx);
    const key = caller ? `${caller}/${id}` : id;
    const content = userContent(prompt, roots, paths, images);
    const { request, dropped } = buildRequest(threads.turns(key), content, { model: model ?? defaultModel, maxTokens, contextTokens: contextTokens - maxTokens });
    const progress = progressOf(ctx);
    const answer = await channel.messages(request, callOptions(ctx, progress.text));
    const result = { ...describe(answer, request.model), thread: id, dropped_turns: dropped };
    const now = Date.now();
    threads.append(key, [{ role: 'user', content, time: now }, { role: 'assistant', content: result.text, model: result.model, time: now }]);
    return result;
  }));

  server.registerTool('consensus', {
    title: 'Ask several models',
    description: 'Ask several models at once, each with a stance, and get every answer plus a synthesis.',
    inputSchema: z.object({
      prompt: z.string().min(1),
      models: z.array(z.object({ model: z.string(), stance: z.enum(['for', 'against', 'neutral']).default('neutral') })).min(2).max(8),
      files,
    }),
    outputSchema: z.object({
      answers: z.array(z.object({ stance: z.string(), ok: z.boolean(), error: z.string().optional(), ...answerShape })),
      synthesis: z.object(answerShape).nullable(),
      synthesis_error: z.string().optional(),
      cost_usd: z.number().nullable(),
    }),
  }, async ({ prompt, models, files: paths }, ctx) => run(async () => {
    const content = userContent(prompt, roots, paths);
    const progress = progressOf(ctx, models.length + 1);
    const answers = await Promise.all(models.map(async ({ model, stance }) => {
      const { request } = buildRequest([], content, { model, maxTokens, contextTokens: contextTokens - maxTokens, system: STANCES[stance] });
      try {
        const answer = await channel.messages(request, callOptions(ctx, progress.text));
        return { stance, ok: true, ...describe(answer, model) };
      } catch (error) {
        if (ctx.mcpReq.signal.aborted) throw error;
        return { stance, ok: false, error: (error as Error).message, model, provider: null, text: '', input_tokens: 0, output_tokens: 0, cost_usd: null };
      } finally {
        progress.step(`${model} answered`);
      }
    }));
    const good = answers.filter((a) => a.ok);
    if (good.length === 0) throw new PromptInputError(`no model answered: ${answers.map((a) => `${a.model}: ${a.error}`).join('; ')}`);
    let synthesis: ReturnType<typeof describe> | null = null;
    let synthesisError: string | undefined;
    const synthesisModel = options.synthesisModel ?? defaultModel;
    try {
      const digest = good.map((a, i) => `<answer n="${i + 1}" model="${a.model}" stance="${a.stance}">\n${a.text}\n</answer>`).join('\n');
      const { request } = buildRequest([], [{ type: 'text', text: `Question:\n${prompt}\n\nAnswers:\n${digest}\n\nWrite a short synthesis: where they agree, where they differ, and a recommendation.` }], { model: synthesisModel, maxTokens, contextTokens: contextTokens - maxTokens });
      synthesis = describe(await channel.messages(request, callOptions(ctx, progress.text)), synthesisModel);
    } catch (error) {
      if (ctx.mcpReq.signal.aborted) throw error;
      synthesisError = (error as Error).message;
    }
    const costs = [...answers, ...(synthesis ? [synthesis] : [])].filter((a) => a.text !== '' || a.input_tokens > 0).map((a) => a.cost_usd);
    const cost = costs.some((c) => c === null) ? null : costs.reduce<number>((s, c) => s + (c ?? 0), 0);
    return { answers, synthesis, ...(synthesisError ? { synthesis_error: synthesisError } : {}), cost_usd: cost };
  }));

  server.registerTool('list_models', {
    title: 'Models Patchbay routes to',
    description: 'The models the proxy can route to, with provider and price (USD per million tokens).',
    inputSchema: z.object({}),
    outputSchema: z.object({ models: z.array(z.object({ id: z.string(), provider: z.string().nullable(), model: z.string().nullable(), input_usd_per_mtok: z.number().nullable(), output_usd_per_mtok: z.number().nullable() })) }),
    annotations: { readOnlyHint: true },
  }, async () => run(async () => ({
    models: (await channel.models()).map((m) => ({ id: m.id, provider: m.provider ?? null, model: m.model ?? null, input_usd_per_mtok: m.price?.input ?? null, output_usd_per_mtok: m.price?.output ?? null })),
  })));

  async function run<T extends Record<string, unknown>>(work: () => Promise<T>) {
    try {
      const result = await work();
      return { content: [{ type: 'text' as const, text: summary(result) }], structuredContent: result };
    } catch (error) {
      const known = error instanceof PromptInputError || error instanceof OutsideRootsError || (error as Error).name === 'ModelCallError';
      const message = known ? (error as Error).message : `unexpected error: ${(error as Error).message ?? String(error)}`;
      return { content: [{ type: 'text' as const, text: redactKnownSecrets(message, [channel.endpoint.token]) }], isError: true };
    }
  }
  return server;
}

function describe(answer: ChannelAnswer, asked: string) {
  const { response } = answer;
  return {
    model: answer.model ?? asked,
    provider: answer.provider ?? null,
    text: answerText(response.content),
    input_tokens: response.usage?.input_tokens ?? 0,
    output_tokens: response.usage?.output_tokens ?? 0,
    cost_usd: answer.costUsd,
  };
}

/** The human-readable text beside the structured result: the answer(s) and what they cost. */
function summary(result: Record<string, unknown>): string {
  const cost = (c: unknown) => (typeof c === 'number' ? `$${c.toFixed(4)}` : 'cost unknown');
  if (typeof result.text === 'string') return `${result.text}\n\n— ${result.provider ?? '?'},${result.model} · ${result.input_tokens} in / ${result.output_tokens} out · ${cost(result.cost_usd)} · thread ${result.thread}`;
  if (Array.isArray(result.answers)) {
    const parts = (result.answers as Array<Record<string, unknown>>).map((a) => `## ${a.model} (${a.stance})\n${a.ok ? a.text : `failed: ${a.error}`}`);
    const s = result.synthesis as Record<string, unknown> | null;
    parts.push(s ? `## Synthesis (${s.model})\n${s.text}` : `## Synthesis\nnot written: ${result.synthesis_error}`);
    return `${parts.join('\n\n')}\n\n— total ${cost(result.cost_usd)}`;
  }
  return JSON.stringify(result, null, 2);
}

/** The call's signal, streamed text, and its caller (booked as the client of the usage). */
function callOptions(ctx: ServerContext, onText: (delta: string) => void): MessagesOptions {
  const client = callerOf(ctx);
  return { signal: ctx.mcpReq.signal, onText, ...(client ? { client } : {}) };
}

/** Progress notifications (when the client asked with a progressToken): steps, and text as it streams. */
function progressOf(ctx: ServerContext, total?: number) {
  const token = ctx.mcpReq._meta?.progressToken;
  let progress = 0;
  let chars = 0;
  let reported = 0;
  const send = (message: string) => {
    if (token === undefined) return;
    void ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress, ...(total ? { total } : {}), message } }).catch(() => undefined);
  };
  return {
    text: (delta: string) => {
      // With a total (consensus), progress counts answers; it must only ever grow (MCP progress).
      if (total) return;
      chars += delta.length;
      // A notification per ~200 characters: enough to show life, few enough not to flood.
      if (chars - reported >= 200 || reported === 0) { reported = chars; progress += 1; send(`${chars} characters received`); }
    },
    step: (message: string) => { progress += 1; send(message); },
  };
}
