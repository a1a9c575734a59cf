/**
 * The four read-only Reddit tools. Each returns structured content (with an output schema) and
 * the same as JSON text; `after` is the cursor for the next page (pass it back as `after`).
 * Names and ids are checked before anything is sent, and a post URL is only read for its id —
 * it is never fetched, so a URL argument cannot send a request anywhere but the base URL.
 */
import { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { redactKnownSecrets } from '../../secrets/redact/index.js';
import { isPatchbayError } from '../../errors.js';
import type { RedditClient } from './client.js';
import { RateLimited } from './rate-budget.js';
import { commentsFromFeed, commentsFromJson, listingFromFeed, listingFromJson, postFromEntry, postFromThing } from './shape.js';

export interface RedditToolOptions {
  client: RedditClient;
  allowNsfw: boolean;
  /** For permalinks: where posts live for a person (https://www.reddit.com). */
  origin: string;
}

const SUBREDDIT = z.string().regex(/^(?:r\/)?[A-Za-z0-9][A-Za-z0-9_]{1,20}$/, 'a subreddit name: letters, digits and _, 2–21 characters');
const TIME = z.enum(['hour', 'day', 'week', 'month', 'year', 'all']);
const LIMIT = z.number().int().min(1).max(100);
const AFTER = z.string().regex(/^t[1-6]_[a-z0-9]{1,16}$/, 'a fullname such as t3_abc123, from a previous result');

const post = z.object({
  id: z.string(),
  fullname: z.string(),
  title: z.string(),
  author: z.string().nullable(),
  subreddit: z.string().nullable(),
  score: z.number().nullable(),
  num_comments: z.number().nullable(),
  created_utc: z.number().nullable(),
  url: z.string().nullable(),
  permalink: z.string().nullable(),
  selftext: z.string().optional(),
  over_18: z.boolean().nullable(),
  flair: z.string().optional(),
});
const listingOutput = z.object({
  source: z.enum(['json', 'feed']).describe('feed: the anonymous JSON endpoint was refused (403) and the Atom feed was used; scores and comment counts are then null'),
  items: z.array(post),
  after: z.string().nullable().describe('pass as `after` for the next page; null at the end'),
  hidden_nsfw: z.number().int(),
});
const comment = z.object({
  id: z.string(),
  fullname: z.string(),
  parent_id: z.string().nullable(),
  depth: z.number().int(),
  author: z.string().nullable(),
  body: z.string(),
  score: z.number().nullable(),
  created_utc: z.number().nullable(),
});
const postOutput = z.object({ source: z.enum(['json', 'feed']), post: post.nullable(), comments: z.array(comment), more_comments: z.number().int() });
const subredditOutput = z.object({
  name: z.string(),
  title: z.string().nullable(),
  description: z.string().nullable(),
  subscribers: z.number().nullable(),
  created_utc: z.number().nullable(),
  over_18: z.boolean().nullable(),
  url: z.string(),
});

const READ_ONLY = { readOnlyHint: true, openWorldHint: true } as const;

export function postIdFrom(input: string): string | undefined {
  const trimmed = input.trim();
  if (/^(t3_)?[a-z0-9]{1,12}$/i.test(trimmed)) return trimmed.replace(/^t3_/i, '').toLowerCase();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return undefined;
  }
  if (!/(^|\.)reddit\.com$|^redd\.it$/i.test(url.hostname)) return undefined;
  const m = /\/comments\/([a-z0-9]{1,12})(?:\/|$)/i.exec(url.pathname) ?? (url.hostname === 'redd.it' ? /^\/([a-z0-9]{1,12})$/i.exec(url.pathname) : null);
  return m?.[1]?.toLowerCase();
}

export function createRedditMcpServer(options: RedditToolOptions): McpServer {
  const { client, allowNsfw, origin } = options;
  const server = new McpServer(
    { name: 'patchbay-reddit', version: '0.1.0' },
    { instructions: `Read-only Reddit${client.authenticated ? ' (OAuth)' : ' (anonymous)'}; NSFW ${allowNsfw ? 'shown' : 'hidden'}. Results carry ids and an \`after\` cursor for the next page.` },
  );
  const sub = (name: string) => name.replace(/^r\//, '');
  const nsfwParam = allowNsfw ? 'on' : 'off';

  server.registerTool(
    'reddit_listing',
    {
      title: 'Reddit listing',
      description: "A subreddit's posts: hot, new, top, rising or controversial (top and controversial over a time window).",
      inputSchema: z.object({
        subreddit: SUBREDDIT.describe('e.g. "typescript" (or "all", "popular")'),
        sort: z.enum(['hot', 'new', 'top', 'rising', 'controversial']).default('hot'),
        time: TIME.optional().describe('for top and controversial; default day'),
        limit: LIMIT.default(25),
        after: AFTER.optional(),
      }),
      outputSchema: listingOutput,
      annotations: READ_ONLY,
    },
    async ({ subreddit, sort, time, limit, after }) =>
      run(async () => {
        const fetched = await client.get(`/r/${sub(subreddit)}/${sort}`, { t: sort === 'top' || sort === 'controversial' ? (time ?? 'day') : undefined, limit: String(limit), after, include_over_18: nsfwParam });
        return fetched.kind === 'json' ? { source: 'json' as const, ...listingFromJson(fetched.data, origin, allowNsfw) } : { source: 'feed' as const, ...listingFromFeed(fetched.entries, limit) };
      }),
  );

  server.registerTool(
    'reddit_post',
    {
      title: 'Reddit post and comments',
      description: 'One post by id (abc123 or t3_abc123) or URL, with its comments flattened in reading order (depth and parent_id keep the tree).',
      inputSchema: z.object({
        id: z.string().optional().describe('the post id, e.g. "abc123" or "t3_abc123"'),
        url: z.string().optional().describe('a reddit.com or redd.it link to the post (read for its id only)'),
        comment_sort: z.enum(['confidence', 'top', 'new', 'controversial', 'old', 'qa']).default('confidence'),
        limit: LIMIT.default(50).describe('comments at most'),
        depth: z.number().int().min(1).max(10).default(5),
      }),
      outputSchema: postOutput,
      annotations: READ_ONLY,
    },
    async ({ id, url, comment_sort, limit, depth }) =>
      run(async () => {
        const postId = postIdFrom(id ?? url ?? '');
        if (!postId) throw new InputError(id === undefined && url === undefined ? 'give id or url' : `"${(id ?? url)!.slice(0, 100)}" is not a Reddit post id or post URL`);
        const fetched = await client.get(`/comments/${postId}`, { sort: comment_sort, limit: String(limit), depth: String(depth) });
        if (fetched.kind === 'feed') {
          const first = fetched.entries.find((e) => e.id.startsWith('t3_'));
          return { source: 'feed' as const, post: first ? (postFromEntry(first) ?? null) : null, comments: commentsFromFeed(fetched.entries, limit), more_comments: 0 };
        }
        const [postListing, commentListing] = Array.isArray(fetched.data) ? fetched.data : [];
        const thing = (postListing as { data?: { children?: unknown[] } } | undefined)?.data?.children?.[0];
        const found = postFromThing(thing, origin) ?? null;
        if (found && found.over_18 === true && !allowNsfw) throw new InputError('that post is marked NSFW; this server hides NSFW content (the entry can pass --allow-nsfw)');
        const { comments, more } = commentsFromJson(commentListing, limit, depth);
        return { source: 'json' as const, post: found, comments, more_comments: more };
      }),
  );

  server.registerTool(
    'reddit_search',
    {
      title: 'Reddit search',
      description: 'Search posts across Reddit or within one subreddit.',
      inputSchema: z.object({
        query: z.string().min(1).max(512),
        subreddit: SUBREDDIT.optional(),
        sort: z.enum(['relevance', 'hot', 'top', 'new', 'comments']).default('relevance'),
        time: TIME.default('all'),
        limit: LIMIT.default(25),
        after: AFTER.optional(),
      }),
      outputSchema: listingOutput,
      annotations: READ_ONLY,
    },
    async ({ query, subreddit, sort, time, limit, after }) =>
      run(async () => {
        const path = subreddit ? `/r/${sub(subreddit)}/search` : '/search';
        const fetched = await client.get(path, { q: query, restrict_sr: subreddit ? '1' : undefined, sort, t: time, limit: String(limit), after, include_over_18: nsfwParam, type: 'link' });
        return fetched.kind === 'json' ? { source: 'json' as const, ...listingFromJson(fetched.data, origin, allowNsfw) } : { source: 'feed' as const, ...listingFromFeed(fetched.entries, limit) };
      }),
  );

  server.registerTool(
    'reddit_subreddit',
    {
      title: 'Subreddit',
      description: "A subreddit's title, description, subscribers and whether it is NSFW.",
      inputSchema: z.object({ name: SUBREDDIT }),
      outputSchema: subredditOutput,
      annotations: READ_ONLY,
    },
    async ({ name }) =>
      run(async () => {
        const fetched = await client.get(`/r/${sub(name)}/about`, {});
        if (fetched.kind === 'feed') throw new InputError('Reddit refused the anonymous request (403) and subreddit details have no feed; give the entry app credentials (REDDIT_CLIENT_ID, REDDIT_CLIENT_SECRET)');
        const d = ((fetched.data as { data?: Record<string, unknown> }).data ?? {}) as Record<string, unknown>;
        const over18 = typeof d.over18 === 'boolean' ? d.over18 : null;
        const result = {
          name: typeof d.display_name === 'string' ? d.display_name : sub(name),
          title: typeof d.title === 'string' ? d.title : null,
          description: typeof d.public_description === 'string' ? d.public_description : null,
          subscribers: typeof d.subscribers === 'number' ? d.subscribers : null,
          created_utc: typeof d.created_utc === 'number' ? d.created_utc : null,
          over_18: over18,
          url: new URL(typeof d.url === 'string' ? d.url : `/r/${sub(name)}/`, origin).href,
        };
        if (over18 === true && !allowNsfw) result.description = '(hidden: NSFW subreddit)';
        return result;
      }),
  );

  async function run<T extends Record<string, unknown>>(work: () => Promise<T>) {
    try {
      const result = await work();
      return { content: [{ type: 'text' as const, text: JSON.stringify(result, null, 2) }], structuredContent: result };
    } catch (error) {
      const message =
        error instanceof RateLimited || error instanceof InputError || isPatchbayError(error)
          ? error.message + (isPatchbayError(error) && error.hint ? ` ${error.hint}` : '')
          : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
      return { content: [{ type: 'text' as const, text: redactKnownSecrets(message, client.secrets()) }], isError: true };
    }
  }
  return server;
}

class InputError extends Error {}
