/**
 * `patchbay server reddit [options]`: Reddit, read-only, on stdio. App credentials come from the
 * environment only — REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET (and REDDIT_USERNAME /
 * REDDIT_PASSWORD for a "script" app) — which the entry fills with `${secret:…}` references.
 * Without them it reads anonymously (about 10 requests a minute; 100 with OAuth).
 */
import { Command } from 'commander';
import { PatchbayError } from '../../errors.js';
import { createResponseCache } from './cache.js';
import { createRedditClient, type Fetched, type RedditCredentials } from './client.js';
import { createRateBudget } from './rate-budget.js';
import { createRedditMcpServer } from './tools.js';

export const DEFAULT_USER_AGENT = 'nodejs:patchbay-reddit:0.1.0 (read-only MCP server; set --user-agent "… (by /u/you)")';

interface RedditFlags {
  baseUrl: string;
  oauthBaseUrl: string;
  userAgent?: string;
  allowNsfw?: boolean;
  rate?: string;
  maxWait: string;
  cacheTtl: string;
  timeout: string;
}

export function redditCommand(): Command {
  return new Command('patchbay server reddit')
    .description('Serve Reddit (read-only) as MCP tools on stdio: reddit_listing, reddit_post, reddit_search, reddit_subreddit')
    .option('--base-url <url>', 'Reddit\'s public site (JSON, feeds, token endpoint)', 'https://www.reddit.com')
    .option('--oauth-base-url <url>', 'Reddit\'s OAuth API', 'https://oauth.reddit.com')
    .option('--user-agent <text>', 'descriptive User-Agent Reddit requires, e.g. "nodejs:myapp:1.0 (by /u/you)" (else REDDIT_USER_AGENT)')
    .option('--allow-nsfw', 'show NSFW posts and subreddits (hidden by default)')
    .option('--rate <perMinute>', 'requests per minute for this server, shared by every host using the hub (default 10 anonymous, 100 with OAuth)')
    .option('--max-wait <seconds>', 'how long a call may wait for the budget before it is refused', '10')
    .option('--cache-ttl <seconds>', 'how long an answer is reused for the same listing', '60')
    .option('--timeout <ms>', 'per request', '15000');
}

export async function runRedditServer(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const command = redditCommand().exitOverride();
  command.parse(args, { from: 'user' });
  const flags = command.opts<RedditFlags>();
  const credentials = credentialsFrom(env);
  const perMinute = flags.rate !== undefined ? number(flags.rate, '--rate') : credentials ? 100 : 10;
  const baseUrl = url(flags.baseUrl, '--base-url');
  const client = createRedditClient({
    baseUrl,
    oauthBaseUrl: url(flags.oauthBaseUrl, '--oauth-base-url'),
    userAgent: flags.userAgent ?? env.REDDIT_USER_AGENT ?? DEFAULT_USER_AGENT,
    ...(credentials ? { credentials } : {}),
    budget: createRateBudget({ perMinute, maxWaitMs: number(flags.maxWait, '--max-wait', true) * 1000 }),
    cache: createResponseCache<Fetched>({ ttlMs: number(flags.cacheTtl, '--cache-ttl', true) * 1000, maxEntries: 500 }),
    timeoutMs: number(flags.timeout, '--timeout'),
  });
  const server = createRedditMcpServer({ client, allowNsfw: flags.allowNsfw === true, origin: baseUrl.origin });
  const { StdioServerTransport } = await import('@modelcontextprotocol/server/stdio');
  await server.connect(new StdioServerTransport());
  process.stderr.write(`patchbay server reddit: ${credentials ? 'OAuth' : 'anonymous'}, ${perMinute} requests/min, NSFW ${flags.allowNsfw ? 'shown' : 'hidden'}\n`);
}

function credentialsFrom(env: NodeJS.ProcessEnv): RedditCredentials | undefined {
  const clientId = env.REDDIT_CLIENT_ID;
  const clientSecret = env.REDDIT_CLIENT_SECRET;
  if (!clientId && !clientSecret) return undefined;
  if (!clientId || !clientSecret) throw new PatchbayError('USAGE', 'REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET go together; one of them is not set');
  return { clientId, clientSecret, ...(env.REDDIT_USERNAME && env.REDDIT_PASSWORD ? { username: env.REDDIT_USERNAME, password: env.REDDIT_PASSWORD } : {}) };
}

function url(text: string, flag: string): URL {
  try {
    const parsed = new URL(text);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed;
  } catch {
    /* below */
  }
  throw new PatchbayError('USAGE', `${flag} "${text}" is not an http(s) URL`);
}

function number(text: string, flag: string, zeroOk = false): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || (!zeroOk && n === 0)) throw new PatchbayError('USAGE', `${flag} must be a ${zeroOk ? 'non-negative' : 'positive'} number, not "${text}"`);
  return n;
}
