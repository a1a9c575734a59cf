/**
 * A loopback stand-in for Reddit speaking its wire formats: Listings of t3 things, the
 * `[post, comments]` pair of /comments/ID.json with nested replies and a `more` stub, t5 about
 * pages, Atom feeds for `.rss`, the OAuth token endpoint and the OAuth API under /oauth, plus
 * switches for the failures the server must handle (403 on anonymous JSON, 429 with Retry-After).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  url: string;
  userAgent?: string;
  authorization?: string;
}

export interface FakeReddit {
  url: string;
  requests: FakeRequest[];
  /** Answer anonymous .json requests with 403 (as Reddit does to many IPs). */
  forbidJson: boolean;
  /** The next n requests get 429 with this Retry-After (seconds). */
  rateLimit: { times: number; retryAfter: number };
  /** X-Ratelimit-Remaining sent with every answer (undefined: none). */
  remaining?: number;
  close(): Promise<void>;
}

const post = (id: string, title: string, extra: Record<string, unknown> = {}) => ({
  kind: 't3',
  data: { id, name: `t3_${id}`, title, author: 'alice', subreddit: 'typescript', score: 42, num_comments: 3, created_utc: 1_700_000_000, url: `https://example.com/${id}`, permalink: `/r/typescript/comments/${id}/x/`, selftext: '', over_18: false, ...extra },
});

const listing = (children: unknown[], after: string | null) => ({ kind: 'Listing', data: { after, before: null, children } });

const comment = (id: string, parent: string, body: string, replies: unknown = '') => ({
  kind: 't1',
  data: { id, name: `t1_${id}`, parent_id: parent, author: 'bob', body, score: 5, created_utc: 1_700_000_100, replies },
});

const ATOM = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>typescript</title>
  <entry><author><name>/u/carol</name></author><category term="typescript" label="r/typescript"/><content type="html">&lt;p&gt;feed body&lt;/p&gt;</content><id>t3_feed1</id><link href="https://www.reddit.com/r/typescript/comments/feed1/first/"/><updated>2024-01-02T03:04:05+00:00</updated><title>From the feed &amp; friends</title></entry>
  <entry><author><name>/u/dave</name></author><category term="typescript" label="r/typescript"/><content type="html">second</content><id>t3_feed2</id><link href="https://www.reddit.com/r/typescript/comments/feed2/second/"/><updated>2024-01-02T04:04:05+00:00</updated><title>Second from the feed</title></entry>
</feed>`;

export async function startFakeReddit(): Promise<FakeReddit> {
  const fake: FakeReddit = { url: '', requests: [], forbidJson: false, rateLimit: { times: 0, retryAfter: 0 }, close: async () => undefined };
  const send = (res: ServerResponse, status: number, type: string, body: string) => {
    res.writeHead(status, { 'content-type': type, ...(fake.remaining !== undefined ? { 'x-ratelimit-remaining': String(fake.remaining), 'x-ratelimit-reset': '600', 'x-ratelimit-used': '1' } : {}) });
    res.end(body);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      fake.requests.push({ method: req.method ?? '', url: req.url ?? '/', userAgent: req.headers['user-agent'], authorization: req.headers.authorization });
      if (fake.rateLimit.times > 0) {
        fake.rateLimit.times--;
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(fake.rateLimit.retryAfter) });
        res.end('{"message": "Too Many Requests", "error": 429}');
        return;
      }
      if (url.pathname === '/api/v1/access_token') {
        const ok = req.headers.authorization === `Basic ${Buffer.from('app-id:app-secret').toString('base64')}` && new URLSearchParams(body).get('grant_type') === 'client_credentials';
        return send(res, ok ? 200 : 401, 'application/json', JSON.stringify(ok ? { access_token: 'oauth-token-xyz', token_type: 'bearer', expires_in: 86400, scope: '*' } : { error: 'invalid_grant' }));
      }
      let path = url.pathname;
      if (path.startsWith('/oauth/')) {
        if (req.headers.authorization !== 'Bearer oauth-token-xyz') return send(res, 401, 'application/json', '{"error": 401}');
        path = path.slice('/oauth'.length);
      } else if (path.endsWith('.json') && fake.forbidJson) {
        return send(res, 403, 'text/html', '<html>blocked</html>');
      }
      if (path.endsWith('.rss')) return send(res, 200, 'application/atom+xml; charset=UTF-8', ATOM);
      path = path.replace(/\.json$/, '');
      const after = url.searchParams.get('after');
      if (/^\/r\/nsfwonly\/about$/.test(path)) return send(res, 200, 'application/json', JSON.stringify({ kind: 't5', data: { display_name: 'nsfwonly', title: 'x', public_description: 'adult things', subscribers: 10, created_utc: 1, over18: true, url: '/r/nsfwonly/' } }));
      if (/^\/r\/[^/]+\/about$/.test(path)) return send(res, 200, 'application/json', JSON.stringify({ kind: 't5', data: { display_name: 'typescript', title: 'TypeScript', public_description: 'Typed JavaScript', subscribers: 150_000, created_utc: 1_200_000_000, over18: false, url: '/r/typescript/' } }));
      if (/^\/r\/[^/]+\/(hot|new|top|rising|controversial)$/.test(path) || /^(\/r\/[^/]+)?\/search$/.test(path)) {
        const page = after === 't3_p3' ? listing([post('p4', 'Fourth')], null) : listing([post('p1', 'First'), post('p2', 'Adult', { over_18: true }), post('p3', 'Third')], 't3_p3');
        return send(res, 200, 'application/json', JSON.stringify(page));
      }
      const comments = /^\/comments\/([a-z0-9]+)$/.exec(path);
      if (comments) {
        const tree = listing(
          [
            comment('c1', `t3_${comments[1]}`, 'top comment', listing([comment('c2', 't1_c1', 'a reply', listing([comment('c3', 't1_c2', 'deep reply')], null))], null)),
            comment('c4', `t3_${comments[1]}`, 'second top'),
            { kind: 'more', data: { count: 17, children: ['c9'] } },
          ],
          null,
        );
        return send(res, 200, 'application/json', JSON.stringify([listing([post(comments[1]!, 'The post', { selftext: 'hello' })], null), tree]));
      }
      send(res, 404, 'application/json', '{"message": "Not Found", "error": 404}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  return fake;
}
