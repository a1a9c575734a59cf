/**
 * Every pairing of client era and server era through the gateway, feature by feature. The
 * upstreams are the conformance fixture (SDK v2 McpServer) served in each era over each
 * transport — stdio via serveStdio pinned by `patchbay.protocol`, Streamable HTTP with 2025-11-25
 * sessions and the SDK's stateless 2026-07-28 handler on one URL — plus an HTTP one that bends the
 * 2026-07-28 rules on purpose (no resultType, no caching hints, an extra field). The clients are
 * SDK v2 Clients of both eras. Features: tools, resources, prompts, completions, list_changed and
 * resource subscriptions, progress, cancellation, logging, and the server's own requests
 * (elicitation, sampling, roots, with requestState over several rounds) whichever way each era
 * carries them.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScopedServer } from '../../src/config/types.js';
import { startConformanceHttp } from '../fixtures/conformance/http-server.mjs';
import { CONFORMANCE_SERVER, startGateway, stdioServer, type Running } from './helpers/harness.js';

type Upstream = { name: string; era: string; make(): Promise<{ server: ScopedServer; close(): Promise<void> }> };

const http = (bendRules: boolean, protocol?: '2025-11-25') => async () => {
  const fixture = await startConformanceHttp({ bendRules });
  const server: ScopedServer = { name: 'up', scope: 'user', file: '/dev/null', entry: { type: 'http', url: fixture.url, patchbay: { prefix: '', ...(protocol ? { protocol } : {}) } } };
  return { server, close: () => fixture.close() };
};
const stdio = (protocol: '2025-11-25' | '2026-07-28') => async () => ({
  server: stdioServer('up', CONFORMANCE_SERVER, { patchbay: { prefix: '', protocol } }),
  close: async () => undefined,
});

const upstreams: Upstream[] = [
  { name: 'stdio 2025-11-25 server', era: '2025-11-25', make: stdio('2025-11-25') },
  { name: 'stdio 2026-07-28 server', era: '2026-07-28', make: stdio('2026-07-28') },
  { name: 'http 2025-11-25 server', era: '2025-11-25', make: http(false, '2025-11-25') },
  { name: 'http 2026-07-28 server', era: '2026-07-28', make: http(false) },
  { name: 'http 2026-07-28 server that omits resultType and caching hints', era: '2026-07-28', make: http(true) },
];
const clients = [
  ['2025-11-25 client', 'legacy'],
  ['2026-07-28 client', { pin: '2026-07-28' }],
] as const;
type Mode = (typeof clients)[number][1];

async function waitFor<T>(probe: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const textOf = (result: { content?: unknown }) => ((result.content as { text?: string }[] | undefined) ?? []).map((c) => c.text ?? '').join('');

describe.each(upstreams)('$name behind the gateway', (upstream) => {
  let running: Running;
  let closeUpstream: () => Promise<void>;
  const logDir = mkdtempSync(join(tmpdir(), 'patchbay-pairings-'));

  beforeAll(async () => {
    const made = await upstream.make();
    closeUpstream = made.close;
    running = await startGateway([made.server], { hub: { logDir } });
    const [status] = running.hub.status();
    expect(status).toMatchObject({ state: 'ready', protocolVersion: upstream.era });
  });
  afterAll(async () => {
    await running?.close();
    await closeUpstream?.();
  });

  async function connect(mode: Mode, capabilities: Record<string, unknown> = { elicitation: {}, sampling: {}, roots: {} }) {
    const client = new Client({ name: 'pairings', version: '1.0.0' }, { capabilities, versionNegotiation: { mode } });
    if (capabilities.elicitation) {
      client.setRequestHandler('elicitation/create', async (request) => {
        const message = String(request.params.message);
        const content: Record<string, string | boolean> = message.includes('color') ? { color: 'blue' } : message.includes('confirm') ? { ok: true } : { name: 'Ada' };
        return { action: 'accept', content };
      });
    }
    if (capabilities.sampling) {
      client.setRequestHandler('sampling/createMessage', async () => ({ role: 'assistant', content: { type: 'text', text: 'Paris' }, model: 'test-model' }));
    }
    if (capabilities.roots) client.setRequestHandler('roots/list', async () => ({ roots: [{ uri: 'file:///work/project', name: 'project' }] }));
    const transport = new StreamableHTTPClientTransport(new URL(running.url));
    await client.connect(transport);
    return client;
  }

  it.each(clients)('%s: tools, resources, templates, prompts and completions', async (_era, mode) => {
    const client = await connect(mode);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['test_simple_text', 'test_input_required_result_elicitation']));
    expect(textOf(await client.callTool({ name: 'test_simple_text', arguments: {} }))).toBe('This is a simple text response for testing.');
    const image = await client.callTool({ name: 'test_image_content', arguments: {} });
    expect(image.content).toEqual([expect.objectContaining({ type: 'image', mimeType: 'image/png' })]);
    const failed = await client.callTool({ name: 'test_error_handling', arguments: {} });
    expect(failed.isError).toBe(true);

    const read = await client.readResource({ uri: 'test://static-text' });
    expect(read.contents).toEqual([{ uri: 'test://static-text', mimeType: 'text/plain', text: 'This is the content of the static text resource.' }]);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain('test://template/{id}/data');
    const templated = await client.readResource({ uri: 'test://template/7/data' });
    expect(JSON.parse((templated.contents[0] as { text: string }).text)).toMatchObject({ id: '7', templateTest: true });

    const prompt = await client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'a', arg2: 'b' } });
    expect(prompt.messages[0]!.content).toEqual({ type: 'text', text: "Prompt with arguments: arg1='a', arg2='b'" });
    const completion = await client.complete({ ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' }, argument: { name: 'arg1', value: '' } });
    expect(Array.isArray(completion.completion.values)).toBe(true);
    await client.close();
  });

  it.each(clients)('%s: progress reaches the caller under its own token', async (_era, mode) => {
    const client = await connect(mode);
    const progress: { progress: number; total?: number }[] = [];
    const result = await client.callTool({ name: 'test_tool_with_progress', arguments: {} }, { onprogress: (p) => progress.push(p) });
    expect(progress.map((p) => p.progress)).toEqual([0, 50, 100]);
    expect(progress.every((p) => p.total === 100)).toBe(true);
    expect(textOf(result)).not.toBe('');
    await client.close();
  });

  it.each(clients)('%s: cancelling a call cancels it upstream', async (_era, mode) => {
    const client = await connect(mode);
    const controller = new AbortController();
    const tag = `cancel-${typeof mode === 'string' ? mode : 'modern'}-${Math.random().toString(36).slice(2)}`;
    const call = client.callTool({ name: 'test_wait_for_cancel', arguments: { tag } }, { signal: controller.signal });
    // Abort once the call is surely running upstream (the hub has it in flight).
    await waitFor(() => (running.hub.stats().inflightCalls > 0 ? true : undefined), 'the call to be in flight');
    controller.abort('the user pressed stop');
    await expect(call).rejects.toThrow();
    const checker = await connect('legacy');
    let seen = 'false';
    for (let i = 0; i < 100 && seen !== 'true'; i++) {
      seen = textOf(await checker.callTool({ name: 'test_was_cancelled', arguments: { tag } }));
      if (seen !== 'true') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(seen).toBe('true');
    await checker.close();
    await client.close();
  }, 20_000);

  it.each(clients)('%s: log messages reach a client that asked for them, and only then', async (_era, mode) => {
    const quiet = await connect(mode);
    const unasked: unknown[] = [];
    quiet.setNotificationHandler('notifications/message', (n) => void unasked.push(n.params));
    await quiet.callTool({ name: 'test_tool_with_logging', arguments: {} });

    const client = await connect(mode);
    const logs: { data?: unknown; level?: string }[] = [];
    client.setNotificationHandler('notifications/message', (n) => void logs.push(n.params));
    // 2025-11-25 sets a level per session; 2026-07-28 per request, in the _meta envelope.
    if (mode === 'legacy') await client.setLoggingLevel('info');
    await client.callTool({ name: 'test_tool_with_logging', arguments: {}, ...(mode === 'legacy' ? {} : { _meta: { 'io.modelcontextprotocol/logLevel': 'info' } }) });
    expect(logs.map((l) => l.data)).toEqual(['Tool execution started', 'Tool processing data', 'Tool execution completed']);
    expect(logs.every((l) => l.level === 'info')).toBe(true);
    // A 2026-07-28 client that set no level gets none (SEP-2575); a 2025 one gets the server's default.
    if (typeof mode !== 'string') expect(unasked).toEqual([]);
    await quiet.close();
    await client.close();
  });

  it.each(clients)('%s: elicitation, sampling and roots reach the client and the answers go back', async (_era, mode) => {
    const client = await connect(mode);
    expect(textOf(await client.callTool({ name: 'test_input_required_result_elicitation', arguments: {} }))).toBe('Hello, Ada!');
    expect(textOf(await client.callTool({ name: 'test_input_required_result_sampling', arguments: {} }))).toBe('Sampling response: Paris');
    expect(textOf(await client.callTool({ name: 'test_input_required_result_list_roots', arguments: {} }))).toBe('Roots: file:///work/project');
    expect(textOf(await client.callTool({ name: 'test_input_required_result_multiple_inputs', arguments: {} }))).toBe('All inputs received: name=Ada, roots=1');
    const prompt = await client.getPrompt({ name: 'test_input_required_result_prompt' });
    expect(prompt.messages[0]!.content).toMatchObject({ type: 'text' });
    await client.close();
  });

  it.each(clients)('%s: requestState is carried across several rounds', async (_era, mode) => {
    const client = await connect(mode);
    expect(textOf(await client.callTool({ name: 'test_input_required_result_multi_round', arguments: {} }))).toBe('Done: name=Ada, color=blue');
    expect(textOf(await client.callTool({ name: 'test_input_required_result_request_state', arguments: {} }))).toBe('state-ok: confirmed=true');
    await client.close();
  });

  it.each(clients)('%s: a request the client has no capability for is refused, not answered by the hub', async (_era, mode) => {
    const client = await connect(mode, {});
    const outcome: { code?: number; isError?: boolean; text?: string } = await client.callTool({ name: 'test_missing_capability', arguments: {} }).then(
      (result) => ({ isError: result.isError === true, text: textOf(result) }),
      (error: { code?: number }) => ({ code: error.code }),
    );
    expect(outcome).not.toMatchObject({ text: 'sampling answered' });
    // A 2026-07-28 server checks the calling client's own capabilities (the hub sends them in
    // the envelope) and answers SEP-2575's -32021; a 2025-era server asks, the gateway refuses
    // the request, and a 2026-07-28 client still gets -32021. A 2025-era client of a 2025-era
    // server gets what that server's SDK makes of the refusal (an error result).
    if (typeof mode !== 'string' || upstream.era === '2026-07-28') expect(outcome).toEqual({ code: -32021 });
    else expect(outcome.code !== undefined || outcome.isError === true).toBe(true);
    await client.close();
  });

  it.each(clients)('%s: list changes and resource updates reach a subscribed client', async (_era, mode) => {
    const client = await connect(mode);
    const seen: string[] = [];
    client.setNotificationHandler('notifications/tools/list_changed', () => void seen.push('tools'));
    client.setNotificationHandler('notifications/resources/updated', (n) => void seen.push(`updated ${n.params.uri}`));
    let subscription: { close(): Promise<void> } | undefined;
    if (mode === 'legacy') await client.subscribeResource({ uri: 'test://watched-resource' });
    else subscription = await client.listen({ toolsListChanged: true, resourceSubscriptions: ['test://watched-resource'] });
    const before = (await client.listTools()).tools.some((t) => t.name === 'test_dynamic_tool');

    await client.callTool({ name: 'test_update_resource', arguments: {} });
    await waitFor(() => (seen.includes('updated test://watched-resource') ? true : undefined), 'resources/updated');
    await client.callTool({ name: 'test_trigger_tool_change', arguments: {} });
    await waitFor(() => (seen.includes('tools') ? true : undefined), 'tools/list_changed');
    const after = (await client.listTools()).tools.some((t) => t.name === 'test_dynamic_tool');
    expect(after).toBe(!before);

    if (mode === 'legacy') await client.unsubscribeResource({ uri: 'test://watched-resource' });
    await subscription?.close();
    await client.close();
  });

  if (upstream.era === '2026-07-28' && !upstream.name.includes('omits')) {
    it('reports no deviation for a server that keeps the rules', async () => {
      const client = await connect('legacy');
      await client.callTool({ name: 'test_simple_text', arguments: {} });
      await client.readResource({ uri: 'test://static-text' });
      await client.close();
      await running.hub.logs.flush();
      const log = readFileSync(join(logDir, 'mcp-server-up.log'), 'utf8');
      expect(log).toContain('connected:');
      expect(log).not.toMatch(/left out resultType|no valid (ttlMs|cacheScope)|added fields no revision defines/);
    });
  }

  if (upstream.name.includes('omits')) {
    it('reads the rule-bending server leniently and says so once per kind in its log', async () => {
      const client = await connect('legacy');
      for (let i = 0; i < 3; i++) await client.callTool({ name: 'test_simple_text', arguments: {} });
      await client.close();
      await running.hub.logs.flush();
      const log = readFileSync(join(logDir, 'mcp-server-up.log'), 'utf8');
      const lines = log.split('\n').filter((l) => l.includes('left out resultType on a tools/call result'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('read it as "complete"');
      expect(log).toMatch(/no valid ttlMs on a tools\/list result/);
      expect(log).toMatch(/added fields no revision defines to a tools\/call result \(vendorExtra\)/);
    });
  }
});
