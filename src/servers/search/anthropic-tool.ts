/**
 * Anthropic's server-side web search tool as Patchbay sends it through the proxy's Anthropic
 * provider (https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/web-search-tool):
 * `max_uses` caps paid searches per call ($10 per 1,000) and comes from config, never from the
 * model's `max_results`; `allowed_domains` and `blocked_domains` are exclusive (the API rejects
 * both), so a call giving both is refused here with a clear message. Results keep their
 * citations; `web_search_tool_result_error` blocks become an error with the API's code.
 */
export interface WebSearchToolOptions {
  maxUses: number;
  includeDomains?: string[];
  excludeDomains?: string[];
}

export class SearchInputError extends Error {
  override readonly name = 'SearchInputError';
}

export function webSearchTool(options: WebSearchToolOptions): Record<string, unknown> {
  const include = options.includeDomains?.filter(Boolean) ?? [];
  const exclude = options.excludeDomains?.filter(Boolean) ?? [];
  if (include.length > 0 && exclude.length > 0) {
    throw new SearchInputError('give include_domains or exclude_domains, not both (Anthropic\'s web search takes one list)');
  }
  return {
    type: 'web_search_20250305',
    name: 'web_search',
    max_uses: options.maxUses,
    ...(include.length > 0 ? { allowed_domains: include } : {}),
    ...(exclude.length > 0 ? { blocked_domains: exclude } : {}),
  };
}

export interface SearchResult { title: string; url: string; snippet: string; published: string | null }
export interface Citation { url: string; title: string | null; cited_text: string }

/** Results, citations and the answer text from a Messages response's content blocks. */
export function readSearchBlocks(content: Array<Record<string, any>>): { results: SearchResult[]; citations: Citation[]; text: string; errors: string[] } {
  const results: SearchResult[] = [];
  const citations: Citation[] = [];
  const errors: string[] = [];
  let text = '';
  for (const block of content) {
    if (block.type === 'web_search_tool_result') {
      if (Array.isArray(block.content)) {
        for (const r of block.content) if (r.type === 'web_search_result') results.push({ title: r.title ?? '', url: r.url, snippet: '', published: r.page_age ?? null });
      } else if (block.content?.type === 'web_search_tool_result_error') {
        errors.push(block.content.error_code ?? 'unavailable');
      }
    } else if (block.type === 'text') {
      text += block.text ?? '';
      for (const c of block.citations ?? []) {
        if (c.type !== 'web_search_result_location') continue;
        citations.push({ url: c.url, title: c.title ?? null, cited_text: c.cited_text ?? '' });
        const hit = results.find((r) => r.url === c.url);
        if (hit && !hit.snippet) hit.snippet = c.cited_text ?? '';
      }
    }
  }
  return { results, citations, text, errors };
}
