/**
 * What an attacker controls in a login, refused before anything runs: the malicious
 * `authorization_endpoint` corpus of CVE-2025-6514 never reaches a process (the opener records
 * every start), forged or missing `state` and a wrong `iss` are refused before the code is
 * exchanged, metadata without PKCE S256 stops the login unless the entry allows it, a busy fixed
 * callback port is named; and the CLI logs in, prints no token and logs out.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkCallback } from '../../../src/auth/oauth/login.js';
import { createOAuthSession } from '../../../src/auth/oauth/session.js';
import { createMemoryTokenStore, openTokenStore } from '../../../src/auth/oauth/token-store.js';
import { browserUserAgent } from '../../../src/auth/oauth/user-agents.js';
import { startOAuthServer, type OAuthTestServer } from '../../helpers/oauth-server.js';
import { runCli } from '../../helpers/cli.js';
import { browserCommand } from './helpers.js';

let as: OAuthTestServer;
beforeEach(async () => {
  as = await startOAuthServer();
});
afterEach(async () => {
  await as.close();
});

const CORPUS = [
  'file:///etc/passwd',
  'javascript:alert(1)',
  'https://127.0.0.1/$(touch${IFS}/tmp/pwned)',
  'https://127.0.0.1/`touch /tmp/pwned`',
  '--help',
  '--new-window https://127.0.0.1/authorize',
  'https://127.0.0.1/authorize\n--user-data-dir=/tmp/x',
  'https://127.0.0.1/authorize\r\nX: y',
  'https://user:pass@127.0.0.1/authorize',
  'http://evil.example/authorize',
  "https://127.0.0.1/a';touch /tmp/pwned;'",
  'https://127.0.0.1/a|calc.exe',
];

describe('the browser opener', () => {
  it.each(CORPUS)('never starts a process for authorization_endpoint %j', async (endpoint) => {
    as.setMetadata({ authorization_endpoint: endpoint });
    const browser = browserCommand();
    const previous = process.env.PATCHBAY_BROWSER;
    process.env.PATCHBAY_BROWSER = browser.command;
    process.env.OAUTH_BROWSER_LOG = browser.log;
    const chunks: string[] = [];
    const stderr = { write: (s: string) => chunks.push(s) } as unknown as NodeJS.WritableStream;
    try {
      const session = createOAuthSession({ server: 'evil', serverUrl: as.resourceUrl, store: createMemoryTokenStore(), userAgent: browserUserAgent({ stderr }) });
      await expect(session.login()).rejects.toMatchObject({ code: 'OAUTH', message: expect.stringMatching(/authorization_endpoint .*(not opened)|not opened/) });
    } finally {
      process.env.PATCHBAY_BROWSER = previous;
      delete process.env.OAUTH_BROWSER_LOG;
    }
    expect(existsSync(browser.log)).toBe(false);
    expect(chunks.join('')).not.toContain('Opening');
    expect(as.counts.authorize).toBe(0);
  });
});

describe('the callback', () => {
  const expected = { state: 'S'.repeat(43), issuer: 'https://as.example', redirectUri: 'http://127.0.0.1:5000/callback', issRequired: true };
  it('refuses a forged state, a missing state, a wrong or missing iss, another path', () => {
    expect(() => checkCallback('http://127.0.0.1:5000/callback?code=c&state=forged&iss=https%3A%2F%2Fas.example', expected)).toThrow(/missing or wrong state/);
    expect(() => checkCallback('http://127.0.0.1:5000/callback?code=c&iss=https%3A%2F%2Fas.example', expected)).toThrow(/missing or wrong state/);
    expect(() => checkCallback(`http://127.0.0.1:5000/callback?code=c&state=${expected.state}&iss=https%3A%2F%2Fevil.example`, expected)).toThrow(/RFC 9207/);
    expect(() => checkCallback(`http://127.0.0.1:5000/callback?code=c&state=${expected.state}`, expected)).toThrow(/no issuer/);
    expect(() => checkCallback(`http://127.0.0.1:5000/elsewhere?code=c&state=${expected.state}&iss=https%3A%2F%2Fas.example`, expected)).toThrow(/refused/);
    expect(checkCallback(`http://127.0.0.1:5000/callback?code=c&state=${expected.state}&iss=https%3A%2F%2Fas.example`, expected)).toBe('c');
  });

  it('a forged state in a real login is refused and no code is exchanged', async () => {
    const session = createOAuthSession({
      server: 'forged',
      serverUrl: as.resourceUrl,
      store: createMemoryTokenStore(),
      userAgent: async (url) => {
        const location = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!);
        location.searchParams.set('state', 'attacker-chosen');
        return location.href;
      },
    });
    await expect(session.login()).rejects.toMatchObject({ code: 'OAUTH', message: expect.stringContaining('wrong state') });
    expect(as.counts.authorize).toBe(1);
    expect(as.counts.token).toBe(0);
  });
});

describe('refusals before a login starts', () => {
  it('metadata without PKCE S256 stops the login, unless the entry allows it', async () => {
    as.setMetadata({ code_challenge_methods_supported: undefined });
    const agent = async (url: URL) => new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!).href;
    const strict = createOAuthSession({ server: 'nopkce', serverUrl: as.resourceUrl, store: createMemoryTokenStore(), userAgent: agent });
    await expect(strict.login()).rejects.toMatchObject({ message: expect.stringContaining('does not advertise PKCE S256'), hint: expect.stringContaining('allowMissingPkce') });
    expect(as.counts.authorize).toBe(0);
    const allowed = createOAuthSession({ server: 'nopkce', serverUrl: as.resourceUrl, store: createMemoryTokenStore(), userAgent: agent, settings: { allowMissingPkce: true } });
    expect((await allowed.login()).issuer).toBe(as.url);
  });

  it('a busy fixed callback port is an error that names it', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const session = createOAuthSession({ server: 'busy', serverUrl: as.resourceUrl, store: createMemoryTokenStore(), userAgent: async () => '', settings: { callbackPort: port } });
      await expect(session.login()).rejects.toMatchObject({ message: `the OAuth callback port ${port} on 127.0.0.1 is busy` });
    } finally {
      blocker.close();
    }
  });
});

describe('patchbay mcp login / logout', () => {
  it('logs in through the browser opener, prints no token, says so in mcp list, and logs out', { timeout: 120_000 }, async () => {
    const browser = browserCommand();
    const env = { PATCHBAY_BROWSER: browser.command, OAUTH_BROWSER_LOG: browser.log };
    const add = await runCli(['mcp', 'add', '-s', 'user', '-t', 'http', 'remote', as.resourceUrl], { env });
    expect(add.code, add.stderr).toBe(0);
    const needs = await runCli(['mcp', 'list'], { env });
    expect(needs.stdout + needs.stderr).toContain('patchbay mcp login remote');
    const login = await runCli(['mcp', 'login', 'remote'], { env });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toMatch(/Logged in to remote \(issuer http:\/\/127\.0\.0\.1:\d+\/, scope "mcp", expires .*refreshable\)/);
    const stored = await (await openTokenStore()).read('remote');
    expect(login.stdout + login.stderr).not.toContain(stored!.accessToken);
    expect(login.stdout + login.stderr).not.toContain(stored!.refreshToken);
    expect(JSON.parse(readFileSync(browser.log, 'utf8').trim()) as string[]).toHaveLength(1);
    const logout = await runCli(['mcp', 'logout', 'remote'], { env });
    expect(logout.stdout).toContain('Logged out of remote');
    expect(await (await openTokenStore()).read('remote')).toBeUndefined();
  });
});
