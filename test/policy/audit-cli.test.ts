/**
 * `patchbay audit` (the real CLI) over a real patchbay.db: filters, JSON, JSON-lines export and
 * retention; and what the audit guard records with argument recording on (redacted values).
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GuardedCall } from '../../src/hub/guard.js';
import { createAuditGuard } from '../../src/policy/audit/guard.js';
import { createMemoryAuditStore, openAuditStore } from '../../src/policy/audit/store.js';
import { defaultDatabasePath } from '../../src/store/database.js';
import { runCli } from '../helpers/cli.js';

describe('patchbay audit', () => {
  it('filters by client, server, decision and time, prints JSON, exports JSON lines, and drops old rows', async () => {
    const store = openAuditStore(defaultDatabasePath(), { retentionDays: 0 });
    const now = Date.now();
    store.record({ time: now - 40 * 86_400_000, kind: 'call', client: 'old', server: 'files', tool: 'read_file', decision: 'allow', outcome: 'ok' });
    store.record({ time: now - 3 * 3_600_000, kind: 'call', client: 'cursor', server: 'files', tool: 'read_file', decision: 'allow', rule: 'mcp__files', outcome: 'ok', durationMs: 3, resultBytes: 12, argsDigest: 'a'.repeat(64) });
    store.record({ time: now - 60_000, kind: 'call', client: 'cursor', server: 'shell', tool: 'run', decision: 'deny', rule: 'mcp__shell(client:cursor)', outcome: 'denied', durationMs: 0 });
    store.record({ time: now - 30_000, kind: 'approval', client: 'vscode', server: 'files', tool: 'write_file', decision: 'ask', approvalId: 'abcd2345', outcome: 'allowed', detail: 'allowed (once) by cli' });
    await store.close();

    const table = await runCli(['audit', '--client', 'cursor']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^TIME\s+KIND\s+CLIENT\s+SERVER\s+TOOL\s+DECISION\s+OUTCOME\s+MS\s+RULE \/ DETAIL$/m);
    expect(table.stdout).toMatch(/call\s+cursor\s+shell\s+run\s+deny\s+denied\s+0\s+mcp__shell\(client:cursor\)/);
    expect(table.stdout).not.toContain('vscode');

    const denied = JSON.parse((await runCli(['audit', '--decision', 'deny', '--json'])).stdout) as { tool: string }[];
    expect(denied.map((e) => e.tool)).toEqual(['run']);
    const recent = JSON.parse((await runCli(['audit', '--since', '2h', '--json'])).stdout) as { kind: string }[];
    expect(recent.map((e) => e.kind)).toEqual(['call', 'approval']);
    const bad = await runCli(['audit', '--decision', 'maybe']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('expected allow, ask or deny');

    const out = join(mkdtempSync(join(tmpdir(), 'patchbay-export-')), 'audit.jsonl');
    const exported = await runCli(['audit', 'export', '--server', 'files', '--output', out]);
    expect(exported.stderr).toContain('3 audit events written');
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { client: string });
    expect(lines.map((l) => l.client)).toEqual(['old', 'cursor', 'vscode']);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect((await runCli(['audit', 'export'])).stdout.trim().split('\n')).toHaveLength(4);

    // Retention: opening the store (the hub does, at start) with 30 days drops the 40-day-old row.
    await openAuditStore(defaultDatabasePath(), { retentionDays: 30 }).close();
    const all = JSON.parse((await runCli(['audit', '--json'])).stdout) as { client: string }[];
    expect(all.map((e) => e.client)).toEqual(['cursor', 'cursor', 'vscode']);
  });
});

describe('the audit guard', () => {
  const call = (args: Record<string, unknown>): GuardedCall => ({
    method: 'tools/call',
    client: 'cursor',
    sessionId: 's',
    server: 'files',
    name: 'write_file',
    exposedName: 'files__write_file',
    arguments: args,
    context: { signal: new AbortController().signal } as GuardedCall['context'],
    startedAt: Date.now(),
    notes: {},
  });

  it('records a digest only by default, and redacted values when argument recording is on', () => {
    const sink = createMemoryAuditStore();
    const args = { path: '/tmp/x', api_key: 'plain-secret-value', content: 'sk-ant-api03-zzzzzzzzzzzz' };
    const plain = createAuditGuard({ sink });
    const c1 = call(args);
    plain.before!(c1);
    plain.after!(c1, { result: { content: [{ type: 'text', text: 'héllo' }] }, durationMs: 2 });
    const recording = createAuditGuard({ sink, recordArguments: true });
    const c2 = call(args);
    recording.before!(c2);
    recording.after!(c2, { error: new Error('upstream failed'), durationMs: 5 });
    const [first, second] = sink.events;
    expect(first).toMatchObject({ kind: 'call', client: 'cursor', server: 'files', tool: 'write_file', outcome: 'ok', resultBytes: 6, argsDigest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(first!.args).toBeUndefined();
    expect(second).toMatchObject({ outcome: 'error', detail: 'upstream failed', argsDigest: first!.argsDigest });
    expect(second!.args).toContain('/tmp/x');
    expect(second!.args).not.toContain('plain-secret-value');
    expect(second!.args).not.toContain('sk-ant-api03');
  });

  it('records list changes: what was added, removed and changed', () => {
    const sink = createMemoryAuditStore();
    const guard = createAuditGuard({ sink });
    const lists = (tools: Record<string, unknown>[]) => ({ tools: tools as never, prompts: [], resources: [], templates: [] });
    guard.observeLists!('files', lists([{ name: 'a', description: 'A' }, { name: 'b' }]));
    guard.observeLists!('files', lists([{ name: 'a', description: 'A' }, { name: 'b' }]));
    guard.observeLists!('files', lists([{ name: 'a', description: 'A, now reading ~/.ssh' }, { name: 'c' }]));
    expect(sink.events.map((e) => [e.kind, e.outcome, e.detail])).toEqual([
      ['list_changed', 'listed', 'tools: 2 first seen'],
      ['list_changed', 'changed', 'tools: +c -b ~a'],
    ]);
  });
});

describe('patchbay approvals --watch', () => {
  it('prints each new question as it arrives, with the commands that answer it', async () => {
    const { spawn } = await import('node:child_process');
    const { openApprovalStore } = await import('../../src/policy/approvals/store.js');
    const { PATCHBAY_BIN } = await import('../helpers/cli.js');
    const store = openApprovalStore();
    const watch = spawn(process.execPath, [PATCHBAY_BIN, 'approvals', '--watch'], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    watch.stdout.on('data', (d: Buffer) => (out += d.toString()));
    while (!out.includes('Watching')) await new Promise((resolve) => setTimeout(resolve, 20));
    const asked = store.create({ client: 'cursor', server: 'files', tool: 'write_file', exposedName: 'files__write_file', argsDigest: 'b'.repeat(64), policyVersion: 'v1', rule: 'defaultMode', argsPreview: '{"path":"/tmp/x"}', keepMs: 60_000 });
    while (!out.includes(`patchbay approvals deny ${asked.id}`)) await new Promise((resolve) => setTimeout(resolve, 20));
    watch.kill('SIGINT');
    await new Promise((resolve) => watch.once('exit', resolve));
    store.close();
    expect(out).toContain(`${asked.id}`);
    expect(out).toContain('client "cursor" → files__write_file (server "files")');
    expect(out).toContain('arguments: {"path":"/tmp/x"}');
  });
});
