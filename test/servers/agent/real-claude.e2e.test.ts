/**
 * `claude_code` with the real Claude Code, as a user runs it: a real `patchbay up` (its own
 * process, the test's temporary HOME) whose project has `patchbay server agent` and
 * `patchbay server files` as entries; the hub runs the agent in its own process, and Claude Code
 * reaches the hub's gateway (`--mcp-config` + `--strict-mcp-config`, never a bypass flag) and the
 * hub's proxy, which sends its model traffic to the OpenAI-compatible fixture on 127.0.0.1. The
 * fixture plays the model: it asks for a gateway tool (files' read_file), then answers in text.
 *
 * Runs only where Claude Code is installed (`npm --prefix bench install`, or the folder
 * PATCHBAY_TEST_CLAUDE_DIR names), as test/proxy/e2e/real-claude.test.ts does.
 */
import type { ServerResponse } from 'node:http';
import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerHello, chatCompletion, OpenAIStream, writeOpenAIStream } from '../../fixtures/upstreams/openai.js';
import { sendJsonBody, startUpstream, type FakeUpstream, type RecordedRequest } from '../../fixtures/upstreams/server.js';
import { makeProject, startUp, type UpProcess } from '../../gateway/helpers/up-process.js';
import { PATCHBAY_BIN, runCli } from '../../helpers/cli.js';

const BENCH_BIN = fileURLToPath(new URL('../../../bench/node_modules/.bin', import.meta.url));
const CLAUDE_DIR = process.env.PATCHBAY_TEST_CLAUDE_DIR ?? (existsSync(join(BENCH_BIN, 'claude')) ? BENCH_BIN : undefined);

const READ = 'mcp__patchbay__files__read_file';
const WRITE = 'mcp__patchbay__files__write_file';

interface ChatBody { model: string; stream?: boolean; stream_options?: { include_usage?: boolean }; tools?: Array<{ function?: { name?: string } }>; messages: Array<{ role: string; content?: unknown }> }

/** The model's part: read the notes through the gateway, then say what they hold. */
function scriptedModel(notes: string) {
  return async (request: RecordedRequest, res: ServerResponse): Promise<void> => {
    const body = request.json<ChatBody>();
    const tools = (body.tools ?? []).map((t) => t.function?.name);
    const result = body.messages.find((m) => m.role === 'tool');
    const usage = { prompt_tokens: 40, completion_tokens: 9 };
    if (result) {
      const text = `The notes say: ${JSON.stringify(result.content)}`;
      if (!body.stream) return sendJsonBody(res, 200, chatCompletion(body.model, { content: text }, 'stop', usage));
      return writeOpenAIStream(res, new OpenAIStream(body.model, body.stream_options?.include_usage === true).text(text).finish('stop', usage));
    }
    if (!tools.includes(READ)) return answerHello(request, res);
    const args = JSON.stringify({ path: notes });
    if (!body.stream) {
      return sendJsonBody(res, 200, chatCompletion(body.model, { content: null, tool_calls: [{ id: 'call_read_1', type: 'function', function: { name: READ, arguments: args } }] }, 'tool_calls', usage));
    }
    return writeOpenAIStream(res, new OpenAIStream(body.model, body.stream_options?.include_usage === true).toolStart(0, 'call_read_1', READ).toolArgs(0, args).finish('tool_calls', usage));
  };
}

describe.skipIf(!CLAUDE_DIR)('claude_code with the real Claude Code, through the hub', () => {
  let upstream: FakeUpstream;
  let up: UpProcess;
  let project: string;
  let hostToken: string;

  beforeAll(async () => {
    project = realpathSync(makeProject({}));
    mkdirSync(join(project, 'docs'));
    writeFileSync(join(project, 'docs', 'notes.md'), 'The launch moved to Thursday.');
    upstream = await startUpstream(scriptedModel(join(project, 'docs', 'notes.md')), '/v1');
    const node = process.execPath;
    writeFileSync(join(project, '.mcp.json'), JSON.stringify({
      mcpServers: {
        agent: {
          command: node,
          args: [PATCHBAY_BIN, 'server', 'agent', '--root', project, '--claude', join(CLAUDE_DIR!, 'claude'), '--timeout', '150'],
          env: { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1' },
        },
        files: { command: node, args: [PATCHBAY_BIN, 'server', 'files', '--root', project] },
      },
    }));
    writeFileSync(join(project, '.claude', 'settings.local.json'), JSON.stringify({ enabledMcpjsonServers: ['agent', 'files'] }));
    // The agent may read but not write, and may not start itself again.
    writeFileSync(join(project, '.claude', 'settings.json'), JSON.stringify({ permissions: { deny: ['mcp__files__write_file(client:agent)', 'mcp__agent(client:agent)'] } }));
    const added = await runCli(['clients', 'add', 'host-a', '--json']);
    expect(added.code, added.stderr).toBe(0);
    hostToken = (JSON.parse(added.stdout) as { token: string }).token;
    up = await startUp(project, [], {
      OPENAI_API_KEY: 'sk-upstream-agent', OPENAI_BASE_URL: upstream.url, PREFERRED_PROVIDER: 'openai', BIG_MODEL: 'big-model', SMALL_MODEL: 'small-model',
    });
  }, 60_000);
  afterAll(async () => {
    await up?.stop();
    await upstream?.close();
  });

  it('the child\'s tool calls are audited under the agent\'s name, a denied tool is hidden from it, its usage is costed', async () => {
    expect(up.output.stdout).toMatch(/✔ agent\s+in-process, 1 tool/);
    const c = new Client({ name: 'host-a', version: '1' });
    await c.connect(new StreamableHTTPClientTransport(new URL(up.url), { requestInit: { headers: { Authorization: `Bearer ${hostToken}` } } }));
    const r = (await c.callTool({ name: 'agent__claude_code', arguments: { prompt: 'What do the notes in docs/ say?', cwd: project, allowed_tools: [READ] } }, { timeout: 170_000 })) as { isError?: boolean; content: Array<{ text?: string }> };
    const text = r.content.map((x) => x.text ?? '').join('');
    expect(r.isError, `${text}\n${up.output.stderr}`).not.toBe(true);
    expect(text).toContain('The notes say:');
    expect(text).toContain('The launch moved to Thursday.');
    await c.close();

    // What Claude Code was offered: the gateway's tools, minus the ones the policy denies the agent.
    const offered = upstream.requests.map((q) => q.json<ChatBody>()).find((b) => (b.tools ?? []).some((t) => t.function?.name === READ));
    const names = (offered?.tools ?? []).map((t) => t.function?.name);
    expect(names).toContain(READ);
    expect(names).toContain('mcp__patchbay__files__list_roots');
    expect(names).not.toContain(WRITE);
    expect(names).not.toContain('mcp__patchbay__agent__claude_code');
    // The provider key stayed in the hub: Claude Code's requests reached the upstream with it, from the proxy.
    expect(upstream.requests.every((q) => q.headers.authorization === 'Bearer sk-upstream-agent')).toBe(true);

    const audit = await runCli(['audit', '--json', '--limit', '100']);
    const rows = JSON.parse(audit.stdout) as Array<Record<string, unknown>>;
    expect(rows).toEqual(expect.arrayContaining([
      expect.objectContaining({ client: 'agent', server: 'files', tool: 'read_file' }),
      expect.objectContaining({ client: 'host-a', server: 'agent', tool: 'claude_code' }),
    ]));

    const cost = await runCli(['cost', '--by', 'client']);
    expect(cost.stdout).toMatch(/^agent\s+[1-9]\d*\s/m);
  }, 200_000);
});
