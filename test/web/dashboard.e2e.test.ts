/**
 * The dashboard against a real `patchbay up` (real binary, real fixture SDK server): the API's
 * security rules, then Debian's chromium (playwright-core, never a downloaded browser) logging in
 * with the code `patchbay ui --print` prints, seeing the server and restarting it live.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ECHO_SERVER } from '../gateway/helpers/harness.js';
import { ARTIFACTS, HAVE_CHROMIUM, launchChromium, startDashboard, type Dashboard } from './dashboard-session.js';

describe('the dashboard served by patchbay up', () => {
  let dashboard: Dashboard;
  let base: string;
  let project: string;

  beforeAll(async () => {
    dashboard = await startDashboard({ alpha: { type: 'stdio', command: process.execPath, args: [ECHO_SERVER, 'alpha'], env: {} } });
    ({ base, project } = dashboard);
  }, 60_000);
  afterAll(() => dashboard?.up.stop());

  const login = () => dashboard.login();

  it('answers 401 without a cookie, and never gives a login code without the token', async () => {
    expect((await fetch(`${base}/ui/api/servers`)).status).toBe(401);
    expect((await fetch(`${base}/ui/api/login-code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
  });

  it('takes a one-time code once, and wants the page\'s own Origin on a change', async () => {
    const url = await login();
    expect(url).toMatch(/\/ui\/login\?code=/);
    const first = await fetch(url, { redirect: 'manual' });
    expect(first.status).toBe(303);
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(401);
    const session = cookie.split(';')[0]!;
    const servers = await fetch(`${base}/ui/api/servers`, { headers: { cookie: session } });
    expect(servers.status).toBe(200);
    expect(((await servers.json()) as { servers: { name: string }[] }).servers.map((s) => s.name)).toEqual(['alpha']);
    const noOrigin = await fetch(`${base}/ui/api/servers/alpha/restart`, { method: 'POST', headers: { cookie: session, 'content-type': 'application/json' }, body: '{}' });
    expect(noOrigin.status).toBe(403);
    const foreign = await fetch(`${base}/ui/api/servers/alpha/restart`, { method: 'POST', headers: { cookie: session, origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{}' });
    expect(foreign.status).toBe(403);
    const token = (await runCli(['token'], { cwd: project })).stdout.trim();
    const text = JSON.stringify(await (await fetch(`${base}/ui/api/servers`, { headers: { cookie: session } })).json());
    expect(text).not.toContain(token);
  });

  it.skipIf(!HAVE_CHROMIUM)('logs in in chromium, shows the server and restarts it live', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const started = Date.now();
      await page.goto(await login());
      const row = page.locator('tr[data-server="alpha"]');
      await row.locator('.state').filter({ hasText: 'ready' }).waitFor();
      const firstLoadMs = Date.now() - started;
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'servers.png'), fullPage: true });
      console.log(`dashboard first load (login redirect to servers shown): ${firstLoadMs} ms`);
      await page.getByRole('button', { name: 'restart alpha' }).click();
      await row.locator('td').nth(5).filter({ hasText: /^[1-9]/ }).or(row.locator('.state').filter({ hasText: /stopped|starting/ })).first().waitFor();
      await row.locator('.state').filter({ hasText: 'ready' }).waitFor();
      for (const name of ['Approvals', 'Costs', 'Hosts']) {
        await page.getByRole('button', { name }).click();
        await page.getByRole('heading', { level: 2 }).first().waitFor();
        await page.screenshot({ path: join(ARTIFACTS, `${name.toLowerCase()}.png`), fullPage: true });
      }
    } finally {
      await browser.close();
    }
  }, 60_000);
});
