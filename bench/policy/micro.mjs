#!/usr/bin/env node
/**
 * Micro benchmark of what the guards add to one call, in-process, from dist/: the policy
 * decision with the bench's 100 rules (bench/gateway/policy-rules.mjs), the argument digest
 * (RFC 8785 + SHA-256), the audit guard's before/after, and the SQLite audit store's write per
 * event (batched). Usage: node bench/policy/micro.mjs  (build first)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPermissions } from '../gateway/policy-rules.mjs';

const dir = mkdtempSync(join(tmpdir(), 'patchbay-micro-'));
const configFile = join(dir, 'config.json');
writeFileSync(configFile, JSON.stringify({ permissions: benchPermissions() }));
const { createPolicyHolder } = await import('../../dist/policy/rules/holder.js');
const { argsDigest } = await import('../../dist/policy/args-digest.js');
const { createAuditGuard } = await import('../../dist/policy/audit/guard.js');
const { openAuditStore } = await import('../../dist/policy/audit/store.js');
const { createPolicyGuard } = await import('../../dist/policy/policy-guard.js');

function time(label, n, fn) {
  for (let i = 0; i < Math.min(n, 20_000); i++) fn(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  const ns = Number(process.hrtime.bigint() - t0) / n;
  process.stdout.write(`| ${label} | ${(ns / 1000).toFixed(2)} µs |\n`);
}

const holder = await createPolicyHolder({ projectRoot: dir, servers: ['echo', ...Array.from({ length: 20 }, (_, i) => `server${i}`)], configFile });
const args = { text: 'hello' };
process.stdout.write('| step | per call |\n|---|---:|\n');
time('policy decision (100 rules, 10 argument conditions on the tool)', 500_000, () => holder.current().decide('default', 'echo', 'echo', args));
time('argument digest (JCS + SHA-256)', 200_000, () => argsDigest(args));
const store = openAuditStore(join(dir, 'patchbay.db'), { retentionDays: 0, flushIntervalMs: 100 });
const audit = createAuditGuard({ sink: store });
const policy = createPolicyGuard({ holder, asker: { ask: async () => undefined, waiting: 0, close() {} }, audit: store });
const context = { signal: new AbortController().signal };
const result = { content: [{ type: 'text', text: 'hello' }] };
time('audit + policy guards: before and after (queue only)', 200_000, () => {
  const call = { method: 'tools/call', client: 'default', sessionId: 's', server: 'echo', name: 'echo', exposedName: 'echo__echo', arguments: args, context, startedAt: Date.now(), notes: {} };
  audit.before(call);
  policy.before(call);
  audit.after(call, { result, durationMs: 1 });
});
await store.flush();
const events = 100_000;
const t0 = process.hrtime.bigint();
for (let i = 0; i < events; i++) store.record({ time: Date.now(), kind: 'call', client: 'default', server: 'echo', tool: 'echo', decision: 'allow', rule: 'mcp__echo', outcome: 'ok', durationMs: 1, resultBytes: 5, argsDigest: 'a'.repeat(64) });
await store.flush();
process.stdout.write(`| SQLite audit write, batched (${events} events) | ${(Number(process.hrtime.bigint() - t0) / events / 1000).toFixed(2)} µs |\n`);
await store.close();
