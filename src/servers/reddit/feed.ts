/**
 * Reddit's Atom feeds (`/r/NAME/hot.rss`, `/comments/ID.rss`, `/search.rss`), the fallback when
 * the JSON endpoints answer 403 to anonymous callers. An entry gives less than JSON does —
 * id, title, author, link, subreddit, time and the HTML content — and that is what the tools
 * then return, saying so. A feed with a DOCTYPE is refused outright: entity declarations are the
 * one XML feature that can make a small document expensive (the "billion laughs"), and Reddit's
 * feeds have none.
 */
import { XMLParser } from 'fast-xml-parser';

export interface FeedEntry {
  /** The fullname, e.g. t3_abc123 (a post) or t1_def456 (a comment). */
  id: string;
  title: string;
  author?: string;
  link?: string;
  subreddit?: string;
  updated?: string;
  contentHtml?: string;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', processEntities: true, htmlEntities: false });

export function parseAtomFeed(xml: string): FeedEntry[] {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new Error('the feed declares a DOCTYPE; refused');
  const document = parser.parse(xml) as { feed?: { entry?: unknown } };
  const raw = document.feed?.entry;
  const entries = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return entries.map((e) => toEntry(e as Record<string, unknown>)).filter((e): e is FeedEntry => e !== undefined);
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value && typeof value === 'object' && '#text' in value) return String((value as Record<string, unknown>)['#text']);
  return undefined;
}

function toEntry(e: Record<string, unknown>): FeedEntry | undefined {
  const id = text(e.id);
  if (!id) return undefined;
  const author = e.author as Record<string, unknown> | undefined;
  const link = e.link as Record<string, unknown> | Array<Record<string, unknown>> | undefined;
  const category = e.category as Record<string, unknown> | undefined;
  const href = Array.isArray(link) ? link[0]?.['@_href'] : link?.['@_href'];
  return {
    id,
    title: text(e.title) ?? '',
    ...(text(author?.name) ? { author: text(author?.name)!.replace(/^\/u\//, '') } : {}),
    ...(typeof href === 'string' ? { link: href } : {}),
    ...(typeof category?.['@_term'] === 'string' ? { subreddit: category['@_term'] as string } : {}),
    ...(text(e.updated) ? { updated: text(e.updated) } : {}),
    ...(text(e.content) ? { contentHtml: text(e.content) } : {}),
  };
}
