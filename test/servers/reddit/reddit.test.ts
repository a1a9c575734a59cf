/**
 * `patchbay server reddit` against a loopback fake speaking Reddit's formats: anonymous JSON,
 * the Atom fallback on 403, OAuth with app credentials, 429 + Retry-After, NSFW off by default,
 * cursors, the comment tree, and the cache.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeReddit, type FakeReddit } from './fake-reddit.js';
import { connectReddit } from './helpers.js';

let fake: FakeReddit;
beforeAll(async () => {
  fake = await startFakeReddit();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  fake.forbidJson = false;
  fake.rateLimit = { times: 0, retryAfter: 0 };
  fake.remaining = undefined;
});

describe('anonymous, through the public JSON endpoints', () => {
  it('lists posts with stable ids and an after cursor, NSFW hidden, with a descriptive User-Agent', async () => {
    const r = await connectReddit({ baseUrl: fake.url });
    const first = await r.call('reddit_listing', { subreddit: 'typescript' });
    expect(first.isError, first.text).toBe(false);
    expect(first.data).toMatchObject({ source: 'json', after: 't3_p3', hidden_nsfw: 1 });
    expect(first.data.items!.map((p) => [p.id, p.fullname, p.title])).toEqual([
      ['p1', 't3_p1', 'First'],
      ['p3', 't3_p3', 'Third'],
    ]);
    expect(first.data.items![0]).toMatchObject({ score: 42, num_comments: 3, permalink: `${fake.url}/r/typescript/comments/p1/x/` });
    const next = await r.call('reddit_listing', { subreddit: 'r/typescript', after: first.data.after });
    expect(next.data).toMatchObject({ after: null, items: [{ id: 'p4' }] });
    expect(fake.requests.map((q) => q.url)).toEqual(['/r/typescript/hot.json?limit=25&include_over_18=off&raw_json=1', '/r/typescript/hot.json?limit=25&after=t3_p3&include_over_18=off&raw_json=1']);
    expect(fake.requests[0]!.userAgent).toBe('test:patchbay-reddit:1.0 (by /u/tester)');
    await r.close();
    const adult = await connectReddit({ baseUrl: fake.url, allowNsfw: true });
    expect((await adult.call('reddit_listing', { subreddit: 'typescript', sort: 'top', time: 'week' })).data.items!.map((p) => p.id)).toEqual(['p1', 'p2', 'p3']);
    expect(fake.requests.at(-1)!.url).toBe('/r/typescript/top.json?t=week&limit=25&include_over_18=on&raw_json=1');
    await adult.close();
  });

  it('reads a post by id or URL with its comment tree flattened in reading order', async () => {
    const r = await connectReddit({ baseUrl: fake.url });
    const byUrl = await r.call('reddit_post', { url: 'https://www.reddit.com/r/typescript/comments/abc123/some_title/' });
    expect(byUrl.data).toMatchObject({ source: 'json', post: { id: 'abc123', title: 'The post', selftext: 'hello' }, more_comments: 17 });
    expect((byUrl.data.comments as Array<{ id: string; depth: number; parent_id: string }>).map((c) => [c.id, c.depth, c.parent_id])).toEqual([
      ['c1', 0, 't3_abc123'],
      ['c2', 1, 't1_c1'],
      ['c3', 2, 't1_c2'],
      ['c4', 0, 't3_abc123'],
    ]);
    const shallow = await r.call('reddit_post', { id: 't3_abc123', depth: 2, limit: 10 });
    expect((shallow.data.comments as Array<{ id: string }>).map((c) => c.id)).toEqual(['c1', 'c2', 'c4']);
    expect(shallow.data.more_comments).toBe(18);
    const elsewhere = await r.call('reddit_post', { url: 'https://evil.example/comments/abc123/' });
    expect(elsewhere).toMatchObject({ isError: true, text: expect.stringContaining('is not a Reddit post id or post URL') });
    expect(fake.requests.map((q) => q.url.split('?')[0])).toEqual(['/comments/abc123.json', '/comments/abc123.json']);
    await r.close();
  });

  it('searches within a subreddit, and describes a subreddit (an NSFW one without its description)', async () => {
    const r = await connectReddit({ baseUrl: fake.url });
    const found = await r.call('reddit_search', { query: 'generics & "infer"', subreddit: 'typescript', sort: 'new' });
    expect(found.data).toMatchObject({ source: 'json', after: 't3_p3' });
    expect(fake.requests[0]!.url).toBe('/r/typescript/search.json?q=generics+%26+%22infer%22&restrict_sr=1&sort=new&t=all&limit=25&include_over_18=off&type=link&raw_json=1');
    expect((await r.call('reddit_subreddit', { name: 'typescript' })).data).toMatchObject({ name: 'typescript', subscribers: 150_000, over_18: false, url: `${fake.url}/r/typescript/` });
    expect((await r.call('reddit_subreddit', { name: 'nsfwonly' })).data).toMatchObject({ over_18: true, description: '(hidden: NSFW subreddit)' });
    const bad = await r.call('reddit_subreddit', { name: '../../api/v1/me' });
    expect(bad.isError).toBe(true);
    expect(fake.requests).toHaveLength(3);
    await r.close();
  });

  it('serves a listing from the cache within its TTL', async () => {
    const r = await connectReddit({ baseUrl: fake.url });
    await r.call('reddit_listing', { subreddit: 'typescript', sort: 'new' });
    await r.call('reddit_listing', { subreddit: 'typescript', sort: 'new' });
    await r.call('reddit_listing', { subreddit: 'typescript', sort: 'rising' });
    expect(fake.requests).toHaveLength(2);
    await r.close();
  });
});

describe('when anonymous JSON is refused (403)', () => {
  it('falls back to the Atom feed of the same listing', async () => {
    fake.forbidJson = true;
    const r = await connectReddit({ baseUrl: fake.url });
    const result = await r.call('reddit_listing', { subreddit: 'typescript', limit: 2 });
    expect(result.isError, result.text).toBe(false);
    expect(result.data).toMatchObject({ source: 'feed', after: 't3_feed2' });
    expect(result.data.items!.map((p) => [p.id, p.title, p.author, p.score])).toEqual([
      ['feed1', 'From the feed & friends', 'carol', null],
      ['feed2', 'Second from the feed', 'dave', null],
    ]);
    expect(fake.requests.map((q) => q.url.split('?')[0])).toEqual(['/r/typescript/hot.json', '/r/typescript/hot.rss']);
    await r.close();
  });
});

describe('OAuth with the app credentials', () => {
  it('gets an application token, then reads oauth.reddit.com with it; secrets never appear in results', async () => {
    const r = await connectReddit({ baseUrl: fake.url, credentials: { clientId: 'app-id', clientSecret: 'app-secret' } });
    const result = await r.call('reddit_listing', { subreddit: 'typescript' });
    expect(result.data).toMatchObject({ source: 'json', after: 't3_p3' });
    await r.call('reddit_listing', { subreddit: 'typescript', sort: 'new' });
    expect(fake.requests.map((q) => `${q.method} ${q.url.split('?')[0]}`)).toEqual(['POST /api/v1/access_token', 'GET /oauth/r/typescript/hot', 'GET /oauth/r/typescript/new']);
    expect(fake.requests[1]!.authorization).toBe('Bearer oauth-token-xyz');
    await r.close();
    const wrong = await connectReddit({ baseUrl: fake.url, credentials: { clientId: 'app-id', clientSecret: 'wrong-secret' } });
    const refused = await wrong.call('reddit_listing', { subreddit: 'typescript' });
    expect(refused).toMatchObject({ isError: true, text: expect.stringContaining('Reddit refused the app credentials (invalid_grant)') });
    expect(refused.text).not.toContain('wrong-secret');
    await wrong.close();
  });
});

describe('rate limits', () => {
  it('a 429 blocks the budget for Retry-After: a short wait is waited out, a long one refused without sending', async () => {
    fake.rateLimit = { times: 1, retryAfter: 1 };
    const patient = await connectReddit({ baseUrl: fake.url, maxWaitMs: 5_000 });
    const waited = await patient.call('reddit_listing', { subreddit: 'typescript' });
    expect(waited.isError, waited.text).toBe(false);
    expect(fake.requests).toHaveLength(2);
    await patient.close();

    fake.requests.length = 0;
    fake.rateLimit = { times: 1, retryAfter: 120 };
    const hasty = await connectReddit({ baseUrl: fake.url, maxWaitMs: 0 });
    const first = await hasty.call('reddit_listing', { subreddit: 'typescript', sort: 'new' });
    expect(first).toMatchObject({ isError: true, text: expect.stringMatching(/rate budget is used up; try again in 1[12]\d s/) });
    const second = await hasty.call('reddit_subreddit', { name: 'typescript' });
    expect(second.isError).toBe(true);
    expect(fake.requests).toHaveLength(1);
    await hasty.close();
  });

  it('X-Ratelimit-Remaining: 0 stops further requests until the window resets', async () => {
    fake.remaining = 0;
    const r = await connectReddit({ baseUrl: fake.url, maxWaitMs: 0 });
    expect((await r.call('reddit_listing', { subreddit: 'typescript' })).isError).toBe(false);
    const next = await r.call('reddit_listing', { subreddit: 'typescript', sort: 'new' });
    expect(next).toMatchObject({ isError: true, text: expect.stringContaining('try again in 600 s') });
    expect(fake.requests).toHaveLength(1);
    await r.close();
  });
});
