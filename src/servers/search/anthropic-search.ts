/**
 * The `anthropic` backend: Anthropic's server-side web search tool, sent through Patchbay's
 * proxy (a ModelChannel, so the proxy's Anthropic provider holds the key and the cost ledger
 * books the tokens under this server's client). Per
 * https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/web-search-tool:
 *
 * - `max_uses` is the server's `--max-uses` (it caps paid searches, $10 per 1,000), never the
 *   model's `max_results`, which only trims the results returned;
 * - a `pause_turn` stop means the API paused a long turn: the request is sent again with the
 *   paused assistant content appended, so Claude continues it, at most `maxContinuations` times
 *   and with `max_uses` lowered by the searches already made;
 * - searches made are `usage.server_tool_use.web_search_requests`, priced at $10 per 1,000 on
 *   top of the tokens the proxy prices.
 */
import type { ContentBlock, Message, MessagesRequest, MessagesResponse } from '../../proxy/anthropic-types.js';
import type { ModelChannel } from '../../proxy/channel/index.js';
import { readSearchBlocks, webSearchTool } from './anthropic-tool.js';
import type { SearchBackend, SearchQuery } from './backend.js';

export const ANTHROPIC_USD_PER_SEARCH = 10 / 1000;

export interface AnthropicSearchOptions {
  channel: ModelChannel;
  /** A route to the proxy's Anthropic provider (`anthropic,claude-sonnet-4-5`). */
  model: string;
  maxUses: number;
  maxTokens?: number;
  maxContinuations?: number;
}

const RECENCY = { day: 'the past day', week: 'the past week', month: 'the past month', year: 'the past year' } as const;

export function createAnthropicBackend(options: AnthropicSearchOptions): SearchBackend {
  const { channel, model, maxUses } = options;
  const maxContinuations = options.maxContinuations ?? 3;
  return {
    name: 'anthropic',
    maxSearchesPerCall: maxUses,
    async search(query, signal, client) {
      const user: Message = { role: 'user', content: prompt(query) };
      const assistant: ContentBlock[] = [];
      let searches = 0;
      let tokenUsd: number | null = 0;
      let stop: MessagesResponse['stop_reason'] = null;
      let served: string | undefined;
      for (let round = 0; round <= maxContinuations; round++) {
        // Continuations share the call's max_uses, so one call never pays for more than --max-uses searches.
        const remaining = maxUses - searches;
        if (remaining <= 0) break;
        const request: MessagesRequest = {
          model,
          max_tokens: options.maxTokens ?? 1024,
          messages: assistant.length > 0 ? [user, { role: 'assistant', content: [...assistant] }] : [user],
          tools: [webSearchTool({ maxUses: remaining, includeDomains: query.includeDomains, excludeDomains: query.excludeDomains }) as never],
        };
        const answer = await channel.messages(request, { ...(signal ? { signal } : {}), ...(client ? { client } : {}) });
        const { response } = answer;
        served = answer.provider;
        assistant.push(...response.content);
        searches += searchesOf(response);
        tokenUsd = tokenUsd === null || answer.costUsd === null ? null : tokenUsd + answer.costUsd;
        stop = response.stop_reason;
        if (stop !== 'pause_turn') break;
      }
      const read = readSearchBlocks(assistant as unknown as Array<Record<string, any>>);
      const costUsd = tokenUsd === null ? null : tokenUsd + searches * ANTHROPIC_USD_PER_SEARCH;
      const searched = assistant.some((b) => (b.type as string) === 'server_tool_use' || (b.type as string) === 'web_search_tool_result');
      if (!searched && read.results.length === 0) {
        return { results: [], searches, costUsd, failure: `the model answered without searching (provider ${served ?? 'unknown'}, model ${model}); Anthropic's web search runs only on the proxy's Anthropic provider: pass --model anthropic,<claude model>` };
      }
      if (read.results.length === 0 && read.errors.length > 0) {
        return { results: [], searches, costUsd, failure: `Anthropic's web search failed: ${read.errors.join(', ')}${read.errors.includes('max_uses_exceeded') ? ' (raise --max-uses)' : ''}` };
      }
      const warnings = read.errors.map((code) => `web search error: ${code}`);
      if (stop === 'pause_turn') warnings.push(`the turn was still paused when the call stopped (${maxContinuations} continuations or --max-uses reached); results so far`);
      return {
        results: read.results.slice(0, query.maxResults),
        citations: read.citations,
        answer: read.text,
        ...(warnings.length > 0 ? { warnings } : {}),
        searches,
        costUsd,
      };
    },
  };
}

function prompt(query: SearchQuery): string {
  const when = query.recency ? ` Prefer pages published in ${RECENCY[query.recency]}.` : '';
  return `Search the web for: ${query.query}\n\nThen answer in a few sentences, citing the pages you used.${when}`;
}

/** `usage.server_tool_use.web_search_requests`, else the search calls in the content. */
function searchesOf(response: MessagesResponse): number {
  const reported = (response.usage as { server_tool_use?: { web_search_requests?: number } }).server_tool_use?.web_search_requests;
  if (typeof reported === 'number') return reported;
  return response.content.filter((b) => (b.type as string) === 'server_tool_use' && (b as unknown as { name?: string }).name === 'web_search').length;
}
