/**
 * Tokens against a loopback authorization server that rotates refresh tokens and revokes the
 * family on reuse: one refresh for 50 concurrent calls and for 5 processes, a lost race keeps the
 * winner's tokens, kill -9 after the token response leaves a readable store, three hosts that
 * meet the same 401 make one login, tokens go only to the server's own origin.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOAuthSession } from '../../../src/auth/oauth/session.js';
import { openTokenStore, type OAuthTokenRecord, type OAuthTokenStore } from '../../../src/auth/oauth/token-store.js';
import { startOAuthServer, type OAuthTestServer } from '../../helpers/oauth-server.js';
import { browserCommand, startWorker } from './helpers.js';

let as: OAuthTestServer;
let store: OAuthTokenStore;
let name: string;
let counter = 0;

function record(tokens: { accessToken: string; refreshToken: string }, expiresAt: number): OAuthTokenRecord {
  return {
    version: 1,
    serverUrl: as.resourceUrl,
    resource: as.resourceUrl,
    issuer: as.url,
    tokenEndpoint: `${as.url}/token`,
    client: { clientId: 'client-seeded', authMethod: 'none', source: 'dynamic' },
    accessToken: tokens.accessToken,
    tokenType: 'Bearer',
    refreshToken: tokens.refreshToken,
    expiresAt,
    obtainedAt: Date.now() - 10_000,
  };
}

beforeEach(async () => {
  as = await startOAuthServer();
  store = await openTokenStore();
  name = `remote-${process.pid}-${counter++}`;
});
afterEach(async () => {
  await as.close();
});

describe('refresh', () => {
  it('50 concurrent calls with an expired token make one refresh, and every call succeeds', async () => {
    await store.write(name, record(as.issue(), Date.now() - 1_000));
    const session = createOAuthSession({ server: name, serverUrl: as.resourceUrl, store });
    const fetcher = session.wrapFetch(fetch);
    const statuses = await Promise.all(Array.from({ length: 50 }, () => fetcher(as.resourceUrl).then((r) => r.status)));
    expect(statuses).toEqual(Array(50).fill(200));
    expect(as.counts.refresh).toBe(1);
    expect(as.revokedFamilies()).toBe(0);
    const stored = await store.read(name);
    expect(stored!.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
  });

  it('5 processes sharing the store make one refresh and never reuse a rotated refresh token', { timeout: 120_000 }, async () => {
    await store.write(name, record(as.issue(), Date.now() - 1_000));
    const runs = await Promise.all(Array.from({ length: 5 }, () => startWorker({ OAUTH_RESOURCE: as.resourceUrl, OAUTH_NAME: name }).done));
    for (const run of runs) expect(run.stdout.trim(), run.stderr).toBe('{"status":200}');
    expect(as.counts.refresh).toBe(1);
    expect(as.counts.reuse).toBe(0);
  });

  it('a process that loses the race adopts the winner\'s tokens and deletes nothing', async () => {
    const seeded = as.issue();
    await store.write(name, record(seeded, Date.now() - 1_000));
    const winner = createOAuthSession({ server: name, serverUrl: as.resourceUrl, store });
    const loser = createOAuthSession({ server: name, serverUrl: as.resourceUrl, store });
    const won = await winner.refresh(seeded.accessToken);
    // The loser still holds the old token when it is refused; it must not spend the old refresh token.
    const adopted = await loser.refresh(seeded.accessToken);
    expect(adopted).toBe(won);
    expect(as.counts.refresh).toBe(1);
    expect((await store.read(name))!.accessToken).toBe(won);
  });

  it('a spent refresh token (family revoked) asks for a login without touching a newer login', async () => {
    const seeded = as.issue();
    await store.write(name, record(seeded, Date.now() - 1_000));
    const session = createOAuthSession({ server: name, serverUrl: as.resourceUrl, store });
    await session.refresh(seeded.accessToken); // rotates
    // A stale copy of the old record comes back (restored backup): its refresh token was spent.
    await store.write(name, record(seeded, Date.now() - 1_000));
    const fresh = createOAuthSession({ server: name, serverUrl: as.resourceUrl, store });
    const response = await fresh.wrapFetch(fetch)(as.resourceUrl);
    expect(response.status).toBe(401);
    expect(as.counts.reuse).toBe(1);
    expect(await store.read(name)).toBeUndefined();
    await expect(fresh.login()).rejects.toMatchObject({ code: 'OAUTH_LOGIN_REQUIRED', hint: `Run: patchbay mcp login ${name}` });
  });

  it('kill -9 right after the token response leaves a store that reads and a consistent state', { timeout: 120_000 }, async () => {
    await as.close();
    let worker: ReturnType<typeof startWorker> | undefined;
    as = await startOAuthServer({ onTokenSent: () => worker?.child.kill('SIGKILL') });
    await store.write(name, record(as.issue(), Date.now() - 1_000));
    worker = startWorker({ OAUTH_RESOURCE: as.resourceUrl, OAUTH_NAME: name });
    const run = await worker.done;
    expect(run.signal).toBe('SIGKILL');
    expect(as.counts.refresh).toBe(1);
    const after = await store.read(name); // no throw: the file is whole (atomic rename)
    expect(after).toBeDefined();
    // Either the new tokens were written before the kill, or the old ones remain: the next call
    // then gets 200, or a clear "log in" (never a corrupt store or a half-written record).
    const session = createOAuthSession({ server: name, serverUrl: as.resourceUrl, store });
    const status = (await session.wrapFetch(fetch)(as.resourceUrl)).status;
    expect([200, 401]).toContain(status);
    if (status === 401) await expect(session.login()).rejects.toMatchObject({ code: 'OAUTH_LOGIN_REQUIRED' });
  });
});

describe('login', () => {
  it('three hosts that meet the same 401 at once produce one login, then share its tokens', { timeout: 120_000 }, async () => {
    const browser = browserCommand();
    const env = { OAUTH_RESOURCE: as.resourceUrl, OAUTH_NAME: name, OAUTH_LOGIN: '1', PATCHBAY_BROWSER: browser.command, OAUTH_BROWSER_LOG: browser.log };
    const runs = await Promise.all(Array.from({ length: 3 }, () => startWorker(env).done));
    for (const run of runs) expect(run.stdout.trim(), run.stderr).toBe('{"status":200}');
    expect(as.counts.authorize).toBe(1);
    expect(readFileSync(browser.log, 'utf8').trim().split('\n')).toHaveLength(1);
    const stored = await store.read(name);
    expect(stored!.issuer).toBe(as.url);
    expect(stored!.expiresAt).toBeGreaterThan(Date.now());
    // The opener got one argument: the authorization URL itself.
    const argv = JSON.parse(readFileSync(browser.log, 'utf8').trim().split('\n')[0]!) as string[];
    expect(argv).toHaveLength(1);
    expect(argv[0]!.startsWith(`${as.url}/authorize?`)).toBe(true);
  });

  it('a host whose 401 came just before another finished its login adopts that login instead of starting a second', async () => {
    const session = createOAuthSession({ server: name, serverUrl: as.resourceUrl, store, userAgent: () => Promise.reject(new Error('no second login should open a browser')) });
    // This host finds no login and is refused (its request carried no token)...
    expect(await session.accessToken()).toBeUndefined();
    // ...meanwhile another host's login lands, before this one gets to ask for its own.
    await store.write(name, { ...record(as.issue(), Date.now() + 600_000), obtainedAt: Date.now() - 1_000 });
    const adopted = await session.login();
    expect(adopted.accessToken).toBe((await store.read(name))!.accessToken);
    expect(as.counts.authorize).toBe(0);
  });

  it('sends the token only to the server\'s own origin, and a record made for another URL is not used', async () => {
    await store.write(name, record(as.issue(), Date.now() + 600_000));
    const seen: (string | null)[] = [];
    const spy = async (input: string | URL, init?: RequestInit) => {
      seen.push(new Headers(init?.headers).get('authorization'));
      return new Response('{}', { status: 200 });
    };
    const session = createOAuthSession({ server: name, serverUrl: as.resourceUrl, store });
    await session.wrapFetch(spy)('http://127.0.0.2:1/elsewhere');
    await session.wrapFetch(spy)(as.resourceUrl);
    expect(seen[0]).toBeNull();
    expect(seen[1]).toMatch(/^Bearer at-/);
    const repointed = createOAuthSession({ server: name, serverUrl: 'http://127.0.0.1:1/other', store });
    expect(await repointed.accessToken()).toBeUndefined();
  });
});
