/**
 * Loopback stand-ins for the search backends, each answering in its API's documented shape:
 * Anthropic's Messages API with the web search tool's blocks
 * (https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/web-search-tool), SearXNG's
 * JSON API (https://docs.searxng.org/dev/search_api.html), Brave's web search
 * (`/res/v1/web/search`, `web.results`) and Tavily's `POST /search`. They record every
 * request (fixtures/upstreams/server.ts) so tests can check what was sent.
 */
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { sendJsonBody, startUpstream, type FakeUpstream, type UpstreamHandler } from '../../fixtures/upstreams/server.js';
import { PATCHBAY_BIN } from '../../helpers/cli.js';

export const NODE_RELEASE = 'https://nodejs.org/en/blog/release/v22.0.0';

export function anthropicSearchMessage(content: unknown[], stop: 'end_turn' | 'pause_turn', searches: number): Record<string, unknown> {
  return {
    id: 'msg_01Search', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5',
    content, stop_reason: stop, stop_sequence: null,
    usage: { input_tokens: 1000, output_tokens: 100, server_tool_use: { web_search_requests: searches } },
  };
}

export const searchCall = (id: string, query: string) => ({ type: 'server_tool_use', id, name: 'web_search', input: { query } });

export const searchResults = (id: string) => ({
  type: 'web_search_tool_result', tool_use_id: id, content: [
    { type: 'web_search_result', url: NODE_RELEASE, title: 'Node.js 22 is now available!', encrypted_content: 'EqgfCioIARgBIiQ3YTAw…', page_age: 'April 24, 2024' },
    { type: 'web_search_result', url: 'https://en.wikipedia.org/wiki/Node.js', title: 'Node.js - Wikipedia', encrypted_content: 'Eo8BCioIAhgBIiQy…', page_age: null },
  ],
});

export const citedText = {
  type: 'text', text: 'Node.js 22 was released on April 24, 2024.',
  citations: [{ type: 'web_search_result_location', url: NODE_RELEASE, title: 'Node.js 22 is now available!', encrypted_index: 'Eo8BCioIAhgBIiQyYjQ0…', cited_text: 'We\'re excited to announce the release of Node.js 22!' }],
};

export const searchError = (id: string, code: string) => ({ type: 'web_search_tool_result', tool_use_id: id, content: { type: 'web_search_tool_result_error', error_code: code } });

export const answerWith = (message: Record<string, unknown>): UpstreamHandler => (_request, res) => sendJsonBody(res, 200, message, { 'request-id': 'req_011Search' });

/** The default Anthropic answer: one search, two results, one cited sentence. */
export function startAnthropicSearch(): Promise<FakeUpstream> {
  return startUpstream(answerWith(anthropicSearchMessage([
    { type: 'text', text: 'I\'ll search for that.' }, searchCall('srvtoolu_01A', 'node 22 release'), searchResults('srvtoolu_01A'), citedText,
  ], 'end_turn', 1)));
}

export function startSearxng(): Promise<FakeUpstream> {
  return startUpstream((request, res) => {
    const q = new URL(request.url, 'http://x').searchParams.get('q') ?? '';
    sendJsonBody(res, 200, {
      query: q, number_of_results: 0,
      results: [
        { url: 'https://docs.python.org/3/library/asyncio.html', title: 'asyncio — Asynchronous I/O', content: 'asyncio is a library to write concurrent code.', engine: 'duckduckgo', parsed_url: ['https', 'docs.python.org', '/3/library/asyncio.html', '', '', ''], template: 'default.html', engines: ['duckduckgo', 'brave'], positions: [1, 2], publishedDate: '2024-10-07T00:00:00', score: 4, category: 'general' },
        { url: 'https://realpython.com/async-io-python/', title: 'Async IO in Python', content: 'A walkthrough.', engine: 'brave', parsed_url: ['https', 'realpython.com', '/async-io-python/', '', '', ''], template: 'default.html', engines: ['brave'], positions: [2], publishedDate: null, score: 1, category: 'general' },
      ],
      answers: [], corrections: [], infoboxes: [], suggestions: [], unresponsive_engines: [],
    });
  });
}

export function startBrave(): Promise<FakeUpstream> {
  return startUpstream((request, res) => {
    if (request.headers['x-subscription-token'] !== 'BSA-test-key-0123456789') {
      sendJsonBody(res, 401, { type: 'ErrorResponse', error: { code: 'SUBSCRIPTION_TOKEN_INVALID', detail: 'The provided subscription token is invalid.', status: 401 } });
      return;
    }
    sendJsonBody(res, 200, {
      type: 'search',
      query: { original: new URL(request.url, 'http://x').searchParams.get('q') },
      web: { type: 'search', family_friendly: true, results: [
        { type: 'search_result', title: 'Rust Programming Language', url: 'https://www.rust-lang.org/', description: 'A language empowering everyone.', page_age: '2024-11-28T00:00:00', age: 'November 28, 2024', language: 'en', meta_url: { hostname: 'www.rust-lang.org' } },
        { type: 'search_result', title: 'The Rust Book', url: 'https://doc.rust-lang.org/book/', description: 'The Rust Programming Language book.', language: 'en' },
      ] },
    });
  });
}

export function startTavily(): Promise<FakeUpstream> {
  return startUpstream((request, res) => {
    if (request.headers.authorization !== 'Bearer tvly-test-key-0123456789') {
      sendJsonBody(res, 401, { detail: { error: 'Unauthorized: missing or invalid API key.' } });
      return;
    }
    const body = request.json<{ query: string }>();
    sendJsonBody(res, 200, {
      query: body.query, answer: null, images: [], follow_up_questions: null, response_time: 1.09,
      results: [{ title: 'Who is Leo Messi?', url: 'https://www.britannica.com/biography/Lionel-Messi', content: 'Lionel Messi, an Argentine footballer…', score: 0.81, raw_content: null, published_date: 'Tue, 11 Jun 2024 08:00:00 GMT' }],
    });
  });
}

/** `patchbay server search …` as a host runs it: a child process on stdio. */
export async function spawnSearch(args: string[], env: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'search-test', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [PATCHBAY_BIN, 'server', 'search', ...args], env: { ...(process.env as Record<string, string>), ...env }, stderr: 'pipe' }));
  return client;
}

export async function call(client: Client, name: string, args: Record<string, unknown>) {
  const r = (await client.callTool({ name, arguments: args })) as { content: Array<{ text?: string }>; isError?: boolean; structuredContent?: any };
  return { text: r.content.map((c) => c.text ?? '').join('\n'), isError: r.isError === true, data: r.structuredContent };
}
