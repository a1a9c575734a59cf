/**
 * The hub and a server that needs a login: it reports "needs authentication" with the command to
 * run, and starts the server by itself once a login is made (here by the real login code, as
 * `patchbay mcp login` would), sending the token to the server — a real SDK MCP server behind a
 * loopback authorization server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createOAuthSession } from '../../../src/auth/oauth/session.js';
import { openTokenStore } from '../../../src/auth/oauth/token-store.js';
import { startOAuthServer, type OAuthTestServer } from '../../helpers/oauth-server.js';
import { scoped, testHub, waitFor } from '../../hub/helpers.js';
import { startConformanceHttp } from '../../fixtures/conformance/http-server.mjs';

let as: OAuthTestServer | undefined;
let mcp: { url: string; close(): Promise<void> } | undefined;
afterEach(async () => {
  await as?.close();
  await mcp?.close();
});

describe('hub: login, then the server starts', () => {
  it('reports the login command, then starts the server once a login exists', { timeout: 60_000 }, async () => {
    mcp = (await startConformanceHttp({})) as { url: string; close(): Promise<void> };
    as = await startOAuthServer({ upstream: mcp.url });
    const hub = testHub([scoped('remote', { type: 'http', url: as.resourceUrl })], { env: { ...process.env, PATCHBAY_OAUTH_ON_DEMAND: '0' } });
    await hub.start();
    try {
      const failed = await waitFor(() => hub.status().find((s) => s.name === 'remote' && s.state === 'failed'));
      expect(failed.hint).toContain('patchbay mcp login remote');
      const session = createOAuthSession({
        server: 'remote',
        serverUrl: as.resourceUrl,
        store: await openTokenStore(),
        userAgent: async (url) => new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!).href,
      });
      await session.login();
      const ready = await waitFor(() => hub.status().find((s) => s.name === 'remote' && s.state === 'ready'));
      expect(ready.state).toBe('ready');
      expect(as.counts.authorize).toBe(1);
    } finally {
      await hub.stop();
    }
  });
});
