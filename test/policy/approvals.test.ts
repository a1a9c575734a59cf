/**
 * A person in the loop, end to end: the real hub and gateway with the guards `patchbay up`
 * uses, the policy fixture server, and official SDK v2 clients over HTTP in both protocol eras
 * (2025-11-25 form elicitation; 2026-07-28 input_required). The questions land in patchbay.db
 * and the real `patchbay approvals` CLI answers them while the call waits.
 */
import { readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchbayConfigPath } from '../../src/config/patchbay-config.js';
import { openApprovalStore } from '../../src/policy/approvals/store.js';
import { openAuditStore } from '../../src/policy/audit/store.js';
import { POLICY_DENIED } from '../../src/policy/errors.js';
import { runCli } from '../helpers/cli.js';
import { ERAS, startPolicyWorld, textOf, waitForPending, writeConfig, type PolicyWorld } from './helpers.js';

type Asked = { message: string; requestedSchema: { properties: { decision: { oneOf: { const: string }[] } } } };

function answering(decision: string, asked: Asked[]) {
  return async (request: { params: unknown }) => {
    asked.push(request.params as Asked);
    return decision === 'decline' ? { action: 'decline' as const } : { action: 'accept' as const, content: { decision } };
  };
}

describe('approvals through the calling client and the queue', () => {
  let world: PolicyWorld;

  beforeAll(async () => {
    writeConfig({
      permissions: { deny: ['mcp__files__write_file(path:~/.ssh/**)', 'mcp__files__delete_all(client:cursor)', 'mcp__files__review(client:cursor)'], approvals: { timeoutSeconds: 60 } },
      // The secrets guard would block the planted key before anyone is asked; here it only logs,
      // so the approval question itself can be checked for masking.
      servers: { files: { defaultMode: 'ask', secrets: { arguments: 'log' } } },
    });
    world = await startPolicyWorld(['cursor', 'vscode']);
  });
  afterAll(async () => {
    await world?.close();
  });

  describe.each(ERAS)('%s', (era) => {
    it('allowed once: the client is asked with client, server, tool and masked arguments; the same call is asked again', async () => {
      const client = await world.connect(era, { client: 'cursor', elicitation: true });
      const asked: Asked[] = [];
      client.setRequestHandler('elicitation/create', answering('once', asked));
      const secret = 'sk-ant-api03-abcdefghijklmnop';
      const args = { path: `~/notes/${era}.txt`, content: secret };
      const result = await client.callTool({ name: 'files__write_file', arguments: args });
      expect(textOf(result)).toBe(`wrote ${secret.length} characters to ~/notes/${era}.txt`);
      expect(asked).toHaveLength(1);
      expect(asked[0]!.message).toContain('client "cursor"');
      expect(asked[0]!.message).toContain('write_file on server "files"');
      expect(asked[0]!.message).toContain(`~/notes/${era}.txt`);
      expect(asked[0]!.message).not.toContain(secret);
      expect(asked[0]!.message).toContain('***');
      // asked by servers.files.defaultMode, so "always allow" would take effect and is offered
      expect(asked[0]!.requestedSchema.properties.decision.oneOf.map((c) => c.const)).toEqual(['once', 'session', 'always', 'deny']);
      await client.callTool({ name: 'files__write_file', arguments: args });
      expect(asked).toHaveLength(2);
      const id = /Approval (\w+)/.exec(asked[0]!.message)![1]!;
      const store = openApprovalStore();
      expect(store.get(id)).toMatchObject({ status: 'allowed', scope: 'once', answeredBy: 'client:cursor', client: 'cursor', server: 'files', tool: 'write_file', consumedAt: expect.any(Number) });
      expect(store.get(id)!.argsPreview).not.toContain(secret);
      store.close();
    });

    it('a replay with changed arguments is a new question', async () => {
      const client = await world.connect(era, { client: 'cursor', elicitation: true });
      const asked: Asked[] = [];
      client.setRequestHandler('elicitation/create', answering('once', asked));
      await client.callTool({ name: 'files__write_file', arguments: { path: '/tmp/a', content: 'one' } });
      await client.callTool({ name: 'files__write_file', arguments: { path: '/tmp/a', content: 'two' } });
      expect(asked).toHaveLength(2);
      const ids = asked.map((a) => /Approval (\w+)/.exec(a.message)![1]);
      expect(ids[0]).not.toBe(ids[1]);
    });

    it('allowed for the session: later calls of the tool, any arguments, are not asked again', async () => {
      const client = await world.connect(era, { client: 'vscode', elicitation: true });
      const asked: Asked[] = [];
      client.setRequestHandler('elicitation/create', answering('session', asked));
      // read_file says readOnlyHint: true; the default "ask" still holds (annotations never loosen)
      expect(textOf(await client.callTool({ name: 'files__read_file', arguments: { path: '/tmp/1' } }))).toBe('read /tmp/1');
      expect(textOf(await client.callTool({ name: 'files__read_file', arguments: { path: '/tmp/2' } }))).toBe('read /tmp/2');
      expect(asked).toHaveLength(1);
      // another tool is another question
      await client.callTool({ name: 'files__write_file', arguments: { path: '/tmp/3', content: 'x' } });
      expect(asked).toHaveLength(2);
      const again = await world.connect(era, { client: 'vscode', elicitation: true });
      const askedAgain: Asked[] = [];
      again.setRequestHandler('elicitation/create', answering('session', askedAgain));
      await again.callTool({ name: 'files__read_file', arguments: { path: '/tmp/4' } });
      // A legacy client's session is its Mcp-Session-Id; a 2026-07-28 client has none, so its grant is the client's for this hub.
      expect(askedAgain).toHaveLength(era === 'legacy' ? 1 : 0);
    });

    it('denied: the call is refused with a JSON-RPC error naming the approval', async () => {
      const client = await world.connect(era, { client: 'cursor', elicitation: true });
      const asked: Asked[] = [];
      client.setRequestHandler('elicitation/create', answering('deny', asked));
      const call = client.callTool({ name: 'files__read_file', arguments: { path: `/etc/${era}` } });
      await expect(call).rejects.toMatchObject({ code: POLICY_DENIED, message: expect.stringMatching(/answered "deny" by client:cursor/) });
      // the same call is refused at once until the approval expires, without asking again
      await expect(client.callTool({ name: 'files__read_file', arguments: { path: `/etc/${era}` } })).rejects.toMatchObject({ code: POLICY_DENIED });
      expect(asked).toHaveLength(1);
    });

    it('a deny rule refuses without asking, and names the rule', async () => {
      const client = await world.connect(era, { client: 'cursor', elicitation: true });
      const asked: Asked[] = [];
      client.setRequestHandler('elicitation/create', answering('once', asked));
      await expect(client.callTool({ name: 'files__write_file', arguments: { path: '~/projects/../.ssh/authorized_keys', content: 'ssh-ed25519 AAAA' } })).rejects.toMatchObject({
        code: POLICY_DENIED,
        message: expect.stringContaining('deny rule "mcp__files__write_file(path:~/.ssh/**)"'),
      });
      expect(asked).toHaveLength(0);
    });

    it('answered from `patchbay approvals allow` while the call waits (first answer wins)', async () => {
      const client = await world.connect(era, { client: 'cursor', elicitation: true });
      type Answer = { action: 'accept'; content: { decision: string } };
      let answerDialog: ((value: Answer) => void) | undefined;
      client.setRequestHandler('elicitation/create', () => new Promise<Answer>((resolve) => (answerDialog = resolve)));
      const path = `/srv/${era}/report.txt`;
      const call = client.callTool({ name: 'files__read_file', arguments: { path } });
      const pending = await waitForPending('read_file');
      expect(pending).toMatchObject({ client: 'cursor' });
      expect(pending.argsPreview).toContain(path);
      const answered = await runCli(['approvals', 'allow', pending.id]);
      expect(answered.stderr).toBe('');
      expect(answered.stdout).toContain(`Allowed: ${pending.id}`);
      // The dialog is still open on the client; its late "deny" loses to the queue's answer.
      answerDialog?.({ action: 'accept', content: { decision: 'deny' } });
      expect(textOf(await call)).toBe(`read ${path}`);
      const store = openApprovalStore();
      expect(store.get(pending.id)).toMatchObject({ status: 'allowed', answeredBy: 'cli' });
      store.close();
    });

    it('without form elicitation the queue alone answers; `approvals deny` refuses the call', async () => {
      const client = await world.connect(era, { client: 'cursor' });
      // Caught at once: the call may fail before the test gets to await it.
      const call = client.callTool({ name: 'files__read_file', arguments: { path: `/queue/${era}` } }).catch((error: unknown) => error);
      const pending = await waitForPending('read_file');
      const denied = await runCli(['approvals', 'deny', pending.id]);
      expect(denied.stdout).toContain(`Denied: ${pending.id}`);
      expect(await call).toMatchObject({ code: POLICY_DENIED, message: expect.stringContaining('answered "deny" by cli') });
    });

    it('a denied tool is absent from tools/list for one client and present for another', async () => {
      const cursor = await world.connect(era, { client: 'cursor' });
      const other = await world.connect(era, { client: 'vscode' });
      const names = async (c: typeof cursor) => (await c.listTools()).tools.map((t) => t.name);
      expect(await names(cursor)).not.toContain('files__delete_all');
      expect(await names(cursor)).toContain('files__read_file');
      expect(await names(other)).toContain('files__delete_all');
      await expect(cursor.callTool({ name: 'files__delete_all', arguments: {} })).rejects.toMatchObject({
        code: POLICY_DENIED,
        message: expect.stringContaining('deny rule "mcp__files__delete_all(client:cursor)"'),
      });
      // prompts are named the same way
      expect((await cursor.listPrompts()).prompts.map((p) => p.name)).not.toContain('files__review');
      expect((await other.listPrompts()).prompts.map((p) => p.name)).toContain('files__review');
      await expect(cursor.getPrompt({ name: 'files__review' })).rejects.toMatchObject({ code: POLICY_DENIED });
    });
  });

  it('every call, decision and approval is in the audit log with its client', async () => {
    await world.guards.close().catch(() => undefined);
    const audit = openAuditStore(undefined, { retentionDays: 0 });
    const calls = audit.query({ kind: 'call' });
    expect(calls.some((e) => e.client === 'cursor' && e.tool === 'write_file' && e.decision === 'ask' && e.outcome === 'ok' && /^[0-9a-f]{64}$/.test(e.argsDigest ?? '') && e.approvalId)).toBe(true);
    expect(calls.some((e) => e.client === 'cursor' && e.tool === 'delete_all' && e.decision === 'deny' && e.outcome === 'denied' && e.rule === 'mcp__files__delete_all(client:cursor)')).toBe(true);
    expect(calls.some((e) => e.client === 'vscode' && e.tool === 'read_file' && e.approvalId === 'session')).toBe(true);
    expect(audit.query({ kind: 'approval', outcome: 'allowed' }).length).toBeGreaterThan(0);
    expect(audit.query({ kind: 'decision', client: 'cursor', tool: 'delete_all' })[0]).toMatchObject({ outcome: 'hidden', decision: 'deny' });
    expect(audit.query({ kind: 'list_changed', server: 'files' })[0]?.detail).toMatch(/tools: 3 first seen/);
    await audit.close();
  });
});

describe('approvals nobody answers in time', () => {
  let world: PolicyWorld;

  beforeAll(async () => {
    // elicit: false, so a client that would answer its own dialog is not asked: the queue decides.
    writeConfig({ permissions: { ask: ['mcp__files__read_file'], approvals: { timeoutSeconds: 1, keepSeconds: 600, elicit: false } } });
    world = await startPolicyWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it.each(ERAS)('%s: denied with a message that says so; an answer given later lets the same call through, not another', async (era) => {
    const client = await world.connect(era, { elicitation: true });
    const asked: Asked[] = [];
    client.setRequestHandler('elicitation/create', answering('once', asked));
    const path = `/late/${era}`;
    const error = await client.callTool({ name: 'files__read_file', arguments: { path } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: POLICY_DENIED, message: expect.stringMatching(/nobody answered approval (\w+) for files__read_file .* within 1 s/) });
    const id = /approval (\w+)/.exec((error as Error).message)![1]!;
    expect((error as Error).message).toContain(`patchbay approvals allow ${id}`);
    const answered = await runCli(['approvals', 'allow', id]);
    expect(answered.stdout).toContain(`Allowed: ${id}`);
    expect(textOf(await client.callTool({ name: 'files__read_file', arguments: { path } }))).toBe(`read ${path}`);
    // used once: the same call asks again, and so does one with other arguments
    await expect(client.callTool({ name: 'files__read_file', arguments: { path } })).rejects.toMatchObject({ message: expect.stringMatching(/nobody answered/) });
    await expect(client.callTool({ name: 'files__read_file', arguments: { path: `${path}-other` } })).rejects.toMatchObject({ message: expect.stringMatching(/nobody answered/) });
    expect(asked).toHaveLength(0);
  });
});

describe('"always allow this tool"', () => {
  let world: PolicyWorld;

  beforeAll(async () => {
    writeConfig({ proxy: { router: { default: 'openai,gpt-4.1' } }, permissions: { deny: ['mcp__files__delete_all'] }, servers: { files: { defaultMode: 'ask' } } });
    world = await startPolicyWorld(['cursor']);
  });
  afterAll(async () => {
    await world?.close();
  });

  it.each(ERAS)('%s: writes an allow rule to config.json (atomically, 0600, other keys kept) and stops asking', async (era) => {
    const client = await world.connect(era, { client: 'cursor', elicitation: true });
    const asked: Asked[] = [];
    client.setRequestHandler('elicitation/create', answering('always', asked));
    const tool = era === 'legacy' ? 'read_file' : 'write_file';
    const args = era === 'legacy' ? { path: '/a' } : { path: '/a', content: 'x' };
    await client.callTool({ name: `files__${tool}`, arguments: args });
    const config = JSON.parse(readFileSync(patchbayConfigPath(), 'utf8')) as { proxy: unknown; permissions: { allow: string[]; deny: string[] } };
    expect(config.permissions.allow).toContain(`mcp__files__${tool}`);
    expect(config.permissions.deny).toEqual(['mcp__files__delete_all']);
    expect(config.proxy).toEqual({ router: { default: 'openai,gpt-4.1' } });
    expect(statSync(patchbayConfigPath()).mode & 0o777).toBe(0o600);
    const other = await world.connect(era, { client: 'cursor', elicitation: true });
    other.setRequestHandler('elicitation/create', answering('deny', asked));
    await other.callTool({ name: `files__${tool}`, arguments: { ...args, path: '/b' } });
    expect(asked).toHaveLength(1);
    const check = await runCli(['policy', 'check', 'cursor', 'files', tool]);
    expect(check.stdout).toMatch(new RegExp(`^allow .*\\n  rule: allow "mcp__files__${tool}"`));
  });
});
