/**
 * Reddit's JSON "things" (t3 posts, t1 comments, t5 subreddits, Listings) and Atom entries,
 * shaped into the structured results the tools return: stable ids (`id` and the `fullname`
 * Reddit's `after` cursors take), numbers as numbers, long text cut. NSFW posts are dropped
 * unless allowed, and the result counts what was dropped.
 */
import type { FeedEntry } from './feed.js';

export interface Post {
  id: string;
  fullname: string;
  title: string;
  author: string | null;
  subreddit: string | null;
  score: number | null;
  num_comments: number | null;
  created_utc: number | null;
  url: string | null;
  permalink: string | null;
  selftext?: string;
  over_18: boolean | null;
  flair?: string;
}

export interface Comment {
  id: string;
  fullname: string;
  parent_id: string | null;
  depth: number;
  author: string | null;
  body: string;
  score: number | null;
  created_utc: number | null;
}

const TEXT_LIMIT = 4000;
type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const cut = (text: string) => (text.length > TEXT_LIMIT ? `${text.slice(0, TEXT_LIMIT)}… [${text.length - TEXT_LIMIT} more characters]` : text);

export function postFromThing(thing: unknown, origin: string): Post | undefined {
  const d = obj(obj(thing).data);
  if (obj(thing).kind !== 't3' || typeof d.id !== 'string') return undefined;
  const permalink = strOrNull(d.permalink);
  return {
    id: d.id,
    fullname: typeof d.name === 'string' ? d.name : `t3_${d.id}`,
    title: String(d.title ?? ''),
    author: strOrNull(d.author),
    subreddit: strOrNull(d.subreddit),
    score: num(d.score),
    num_comments: num(d.num_comments),
    created_utc: num(d.created_utc),
    url: strOrNull(d.url),
    permalink: permalink ? new URL(permalink, origin).href : null,
    ...(typeof d.selftext === 'string' && d.selftext !== '' ? { selftext: cut(d.selftext) } : {}),
    over_18: typeof d.over_18 === 'boolean' ? d.over_18 : null,
    ...(typeof d.link_flair_text === 'string' && d.link_flair_text ? { flair: d.link_flair_text } : {}),
  };
}

export function postFromEntry(entry: FeedEntry): Post | undefined {
  if (!entry.id.startsWith('t3_')) return undefined;
  return {
    id: entry.id.slice(3),
    fullname: entry.id,
    title: entry.title,
    author: entry.author ?? null,
    subreddit: entry.subreddit ?? null,
    score: null,
    num_comments: null,
    created_utc: entry.updated ? Math.floor(Date.parse(entry.updated) / 1000) || null : null,
    url: entry.link ?? null,
    permalink: entry.link ?? null,
    over_18: null,
  };
}

export interface ListingShape {
  items: Post[];
  after: string | null;
  hidden_nsfw: number;
}

export function listingFromJson(data: unknown, origin: string, allowNsfw: boolean): ListingShape {
  const listing = obj(obj(data).data);
  const posts = (Array.isArray(listing.children) ? listing.children : []).map((c) => postFromThing(c, origin)).filter((p): p is Post => p !== undefined);
  const shown = allowNsfw ? posts : posts.filter((p) => p.over_18 !== true);
  return { items: shown, after: strOrNull(listing.after), hidden_nsfw: posts.length - shown.length };
}

export function listingFromFeed(entries: FeedEntry[], limit: number): ListingShape {
  const items = entries.map(postFromEntry).filter((p): p is Post => p !== undefined);
  // Feeds carry no cursor; the last fullname is what Reddit's `after` takes.
  return { items, after: items.length >= limit ? items[items.length - 1]!.fullname : null, hidden_nsfw: 0 };
}

/** The comment tree, flattened in reading order, at most `limit` comments and `depth` levels. */
export function commentsFromJson(listing: unknown, limit: number, depth: number): { comments: Comment[]; more: number } {
  const comments: Comment[] = [];
  let more = 0;
  const walk = (children: unknown, level: number) => {
    for (const child of Array.isArray(children) ? children : []) {
      const c = obj(child);
      const d = obj(c.data);
      if (c.kind === 'more') {
        more += num(d.count) ?? 0;
        continue;
      }
      if (c.kind !== 't1' || typeof d.id !== 'string') continue;
      if (comments.length >= limit || level >= depth) {
        more += 1;
        continue;
      }
      comments.push({
        id: d.id,
        fullname: typeof d.name === 'string' ? d.name : `t1_${d.id}`,
        parent_id: strOrNull(d.parent_id),
        depth: level,
        author: strOrNull(d.author),
        body: cut(String(d.body ?? '')),
        score: num(d.score),
        created_utc: num(d.created_utc),
      });
      if (d.replies && typeof d.replies === 'object') walk(obj(obj(d.replies).data).children, level + 1);
    }
  };
  walk(obj(obj(listing).data).children, 0);
  return { comments, more };
}

export function commentsFromFeed(entries: FeedEntry[], limit: number): Comment[] {
  return entries
    .filter((e) => e.id.startsWith('t1_'))
    .slice(0, limit)
    .map((e) => ({
      id: e.id.slice(3),
      fullname: e.id,
      parent_id: null,
      depth: 0,
      author: e.author ?? null,
      body: cut(stripHtml(e.contentHtml ?? '')),
      score: null,
      created_utc: e.updated ? Math.floor(Date.parse(e.updated) / 1000) || null : null,
    }));
}

function stripHtml(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
