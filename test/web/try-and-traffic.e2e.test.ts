/**
 * The Try it and Live traffic pages against a real `patchbay up` with a real SDK fixture server
 * (test/fixtures/web/try-server.mjs), in Debian's chromium: a nested-schema tool called through
 * the generated form (and its raw-JSON twin), an elicitation answered in the page, and a real
 * SDK client's calls through the gateway seen live under its client name, filtered, paused and
 * resumed, with a secret argument redacted — on the page and on the /ui/api/events stream.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { send } from '../gateway/helpers/sse.js';
import { ARTIFACTS, HAS_CHROMIUM, launchChromium, startDashboardHub, type DashboardHub } from './dashboard-hub.js';

const TRY_SERVER = fileURLToPath(new URL('../fixtures/web/try-server.mjs', import.meta.url));
// A GitHub-token-shaped value: the secret rules know it, whatever key it comes under.
const SECRET = `ghp_${'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'}`;

describe('Try it and Live traffic, against a real hub', () => {
  let dashboard: DashboardHub;
  let client: Client;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // A named client (its own token), so the traffic can say who called.
    const added = await runCli(['clients', 'add', 'ci-bot', '--json']);
    const { token } = JSON.parse(added.stdout) as { token: string };
    dashboard = await startDashboardHub({ try: { type: 'stdio', command: process.execPath, args: [TRY_SERVER], env: {} } });
    client = new Client({ name: 'ci-bot-app', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(dashboard.up.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await client?.close();
    await dashboard?.up.stop();
  });

  async function session(): Promise<string> {
    const first = await fetch(await dashboard.login(), { redirect: 'manual' });
    return first.headers.get('set-cookie')!.split(';')[0]!;
  }

  it('answers /ui/api/rpc with the JSON-RPC request, the response and the time', async () => {
    const cookie = await session();
    const response = await fetch(`${dashboard.base}/ui/api/rpc`, { method: 'POST', headers: { cookie, origin: dashboard.base, 'content-type': 'application/json' }, body: JSON.stringify({ method: 'tools/call', params: { name: 'try__use_key', arguments: { apiKey: SECRET } } }) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { request: { method: string; params: { arguments: { apiKey: string } } }; response: { error: { message: string } }; ms: number };
    expect(body.request.method).toBe('tools/call');
    expect(body.request.params.arguments.apiKey).toBe('***');
    // The secret guard refuses a secret in arguments (src/secrets/traffic), for the page as for any client.
    expect(body.response.error.message).toContain('refused this call to try__use_key');
    expect(body.ms).toBeGreaterThanOrEqual(0);
  });

  it('streams every client\'s traffic on /ui/api/events, named and redacted', async () => {
    const cookie = await session();
    const events = await send(`${dashboard.base}/ui/api/events`, 'GET', { cookie });
    expect(events.status).toBe(200);
    // The stream is open (its first approvals poll arrived), so the hub's tap is on.
    await events.until((e) => e.data.includes('"approvals"'));
    await expect(client.callTool({ name: 'try__use_key', arguments: { apiKey: SECRET, note: 'from the SDK' } })).rejects.toThrow(/refused/);
    const seen = await events.until((e) => e.data.includes('"client":"ci-bot"') && e.data.includes('try__use_key'));
    events.destroy();
    const traffic = JSON.parse(seen.data) as { type: string; method: string; server: string; ms: number; params: string; error: string };
    expect(traffic).toMatchObject({ type: 'traffic', method: 'tools/call', server: 'try' });
    expect(traffic.params).toContain('"apiKey":"***"');
    expect(traffic.error).toContain('its arguments hold a secret');
    expect(events.events.map((e) => e.data).join('\n')).not.toContain(SECRET);
  });

  describe.skipIf(!HAS_CHROMIUM)('in chromium', { timeout: 60_000 }, () => {
    beforeAll(async () => {
      browser = await launchChromium();
      page = await browser.newPage();
      // A step that cannot happen fails at that step, not at the test's timeout.
      page.setDefaultTimeout(10_000);
      await page.goto(await dashboard.login());
      await page.locator('tr[data-server="try"] .state').filter({ hasText: 'ready' }).waitFor();
      mkdirSync(ARTIFACTS, { recursive: true });
    }, 60_000);

    const answerText = () => page.locator('.answer .rendered pre.text').first();

    it('calls the nested-schema tool through the generated form, then through raw JSON', async () => {
      await page.getByRole('button', { name: 'Try it', exact: true }).click();
      await page.getByLabel('Server', { exact: true }).selectOption('try');
      await page.getByLabel('Tool', { exact: true }).selectOption('try__plan_trip');
      await page.getByLabel('name', { exact: true }).fill('Ada');
      await page.getByLabel('city', { exact: true }).fill('Paris');
      await page.getByRole('button', { name: 'Add stops item' }).click();
      await page.getByLabel('place', { exact: true }).fill('Lyon');
      const nights = page.getByLabel('nights', { exact: true });
      expect(await nights.inputValue()).toBe('1'); // the schema's default
      await nights.fill('2');
      await page.getByRole('button', { name: 'Add stops item' }).click();
      await page.getByRole('button', { name: 'Remove stops item 2' }).click();
      await page.getByLabel('mode', { exact: true }).selectOption({ label: 'car' });
      await page.getByLabel('Kind of ticket').selectOption({ label: 'kind: road' });
      await page.getByLabel('toll', { exact: true }).check();
      await page.getByRole('button', { name: 'Call tool' }).click();
      await answerText().filter({ hasText: 'Ada from Paris: Lyon (2) by car, ticket road' }).waitFor();
      await expect(page.locator('.answer img').getAttribute('alt')).resolves.toContain('image/png');
      expect(await page.locator('.answer figure.resource').textContent()).toContain('itinerary for Ada');
      expect(JSON.parse((await page.locator('.answer .structured').textContent())!)).toEqual({ nights: 2, stops: 1 });
      await page.getByText('JSON-RPC request and response').click();
      const request = JSON.parse((await page.locator('.rpc-request').textContent())!) as { method: string; params: { name: string; arguments: unknown } };
      expect(request).toMatchObject({ method: 'tools/call', params: { name: 'try__plan_trip', arguments: { traveller: { name: 'Ada', address: { city: 'Paris' } }, stops: [{ place: 'Lyon', nights: 2 }], mode: 'car', ticket: { kind: 'road', toll: true } } } });
      expect(await page.locator('.rpc-response').textContent()).toContain('"structuredContent"');
      await expect(page.getByRole('heading', { name: /^Answer in [\d.]+ ms$/ }).count()).resolves.toBe(1);
      await page.getByRole('button', { name: 'Show raw result' }).click();
      expect(JSON.parse((await page.locator('.raw-result').textContent())!)).toMatchObject({ structuredContent: { nights: 2, stops: 1 } });
      await page.getByRole('button', { name: 'Show raw result' }).click();

      // The raw-JSON view edits the very same arguments.
      await page.getByLabel('Edit as raw JSON').check();
      const raw = page.getByLabel('Arguments (JSON)');
      const args = JSON.parse(await raw.inputValue()) as { traveller: { name: string } };
      expect(args).toEqual(request.params.arguments);
      args.traveller.name = 'Grace';
      await raw.fill(JSON.stringify(args));
      await page.getByLabel('Edit as raw JSON').uncheck();
      expect(await page.getByLabel('name', { exact: true }).inputValue()).toBe('Grace');
      expect(await page.getByLabel('toll', { exact: true }).isChecked()).toBe(true);
      // By keyboard: Enter in a field submits the form, as in any native form.
      await page.getByLabel('name', { exact: true }).press('Enter');
      await answerText().filter({ hasText: 'Grace from Paris' }).waitFor();
      await page.screenshot({ path: join(ARTIFACTS, 'try-it.png'), fullPage: true });
    });

    it('reads a resource and gets a prompt', async () => {
      await page.getByLabel('Kind', { exact: true }).selectOption('resource');
      await page.getByRole('button', { name: 'Read resource' }).click();
      await page.locator('.answer figure.resource').filter({ hasText: 'Read me, I am a resource' }).waitFor();
      await page.getByLabel('Kind', { exact: true }).selectOption('prompt');
      await page.getByLabel('who', { exact: true }).fill('Linus');
      await page.getByRole('button', { name: 'Get prompt' }).click();
      await page.locator('.answer .message').filter({ hasText: 'Please greet Linus' }).waitFor();
      await page.getByLabel('Kind', { exact: true }).selectOption('tool');
    });

    it('answers an elicitation from the server in the page: accept, then decline', async () => {
      await page.getByLabel('Tool', { exact: true }).selectOption('try__order');
      await page.getByLabel('item', { exact: true }).fill('tea');
      await page.getByRole('button', { name: 'Call tool' }).click();
      const question = page.getByRole('form', { name: 'Question: Which size of tea?' });
      await question.getByLabel('Size').selectOption({ label: 'M' });
      await question.getByLabel('Quantity').fill('2');
      await question.getByLabel('Gift wrap').focus();
      await page.keyboard.press('Space'); // checks the box
      await question.getByRole('button', { name: 'Accept' }).focus();
      await page.keyboard.press('Enter');
      await answerText().filter({ hasText: 'ordered 2 tea size M gift wrapped' }).waitFor();
      expect(await question.count()).toBe(0);

      await page.getByRole('button', { name: 'Call tool' }).click();
      await question.getByRole('button', { name: 'Decline' }).click();
      await answerText().filter({ hasText: 'no order (decline)' }).waitFor();
    });

    it('shows an SDK client\'s calls live with its client name, filtered, paused and resumed, secrets redacted', async () => {
      await page.getByRole('button', { name: 'Live traffic', exact: true }).click();
      await client.callTool({ name: 'try__shout', arguments: { message: 'hello-log' } });
      await expect(client.callTool({ name: 'try__use_key', arguments: { apiKey: SECRET } })).rejects.toThrow(/refused/);
      const sdkCalls = page.locator('tr.traffic[data-client="ci-bot"][data-method="tools/call"]');
      await sdkCalls.filter({ hasText: 'try' }).first().waitFor();
      await page.locator('tr.log').filter({ hasText: 'shout: hello-log' }).first().waitFor();
      await page.locator('tr.log').filter({ hasText: 'stderr says hello-log' }).first().waitFor();
      const keyRow = sdkCalls.filter({ has: page.locator('pre.params', { hasText: '"apiKey":"***"' }) }).last();
      await keyRow.getByText(/^error: Patchbay refused this call/).click();
      await keyRow.locator('pre.params').filter({ hasText: '"apiKey":"***"' }).waitFor();
      expect(await page.content()).not.toContain(SECRET);

      // Filters: by client, then method, then level.
      await page.getByLabel('Client', { exact: true }).fill('ci-bot');
      await expect(page.locator('tr.traffic[data-client="dashboard"]').count()).resolves.toBe(0);
      await expect(page.locator('tr.log').count()).resolves.toBe(0);
      expect(await sdkCalls.count()).toBeGreaterThanOrEqual(2);
      await page.getByLabel('Client', { exact: true }).fill('');
      await page.getByLabel('Method', { exact: true }).fill('prompts/get');
      await page.locator('tr.traffic[data-method="prompts/get"][data-client="dashboard"]').first().waitFor();
      await expect(page.locator('tr.traffic:not([data-method="prompts/get"])').count()).resolves.toBe(0);
      await page.getByLabel('Method', { exact: true }).fill('');
      await page.getByLabel('Level').selectOption('warn');
      await page.locator('tr.log.level-warn').filter({ hasText: 'shout: hello-log' }).first().waitFor();
      await expect(page.locator('tr.traffic:not(.error)').count()).resolves.toBe(0);
      await expect(page.locator('tr.log.level-info').count()).resolves.toBe(0);
      await page.getByLabel('Level').selectOption('');
      await page.screenshot({ path: join(ARTIFACTS, 'traffic.png'), fullPage: true });

      // Paused: new events wait and are counted; resumed: they show.
      await page.getByRole('button', { name: 'Pause' }).click();
      await client.callTool({ name: 'try__shout', arguments: { message: 'while-paused' } });
      await page.getByRole('button', { name: /^Resume \([1-9]\d* new\)$/ }).waitFor();
      await page.getByText(/^Paused: [1-9]\d* new event\(s\) waiting$/).waitFor();
      await expect(page.locator('tr.log').filter({ hasText: 'while-paused' }).count()).resolves.toBe(0);
      await page.getByRole('button', { name: /^Resume/ }).click();
      await page.locator('tr.log').filter({ hasText: 'shout: while-paused' }).first().waitFor();
      await page.getByRole('button', { name: 'Pause' }).waitFor();
    });
  });
});
