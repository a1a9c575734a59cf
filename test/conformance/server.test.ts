/**
 * The official MCP conformance suite's server scenarios, run against Patchbay's HTTP endpoint
 * with the conformance fixture server behind the real hub (stdio child, prefix '' so the names
 * the scenarios call arrive unchanged), with the guards `patchbay up` runs (audit log and the
 * default policy: no rules, defaultMode allow). The suite connects without a token, as its DNS-rebinding
 * scenario requires ("servers without authentication"), so the gateway runs with auth off on
 * loopback — the same configuration as `patchbay up --no-auth`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubGuards, type HubGuards } from '../../src/gateway/guards.js';
import { CONFORMANCE_SERVER, startGateway, stdioServer, type Running } from '../gateway/helpers/harness.js';
import { conformanceAvailable, listScenarios, runConformance } from './helpers.js';

describe.skipIf(!conformanceAvailable)('MCP conformance: server scenarios against the gateway', () => {
  let running: Running;
  let guards: HubGuards;
  const cwd = mkdtempSync(join(tmpdir(), 'patchbay-conformance-'));

  beforeAll(async () => {
    const servers = [stdioServer('conformance', CONFORMANCE_SERVER, { patchbay: { prefix: '' } })];
    guards = await createHubGuards({ projectRoot: cwd, servers, env: process.env, log: () => undefined });
    expect(guards.guards.map((g) => g.name)).toEqual(expect.arrayContaining(['audit', 'policy']));
    running = await startGateway(servers, { hub: { guards: guards.guards } });
  });
  afterAll(async () => {
    await running?.close();
    await guards?.close();
  });

  it('passes every scenario of the active suite', { timeout: 300_000 }, async () => {
    const run = await runConformance(['server', '--url', running.url], cwd);
    const failing = [...run.summary].filter(([, [, failed]]) => failed > 0).map(([name]) => name);
    expect(failing, run.output.slice(-4000)).toEqual([]);
    expect(run.code, run.output.slice(-4000)).toBe(0);
    // Every listed server scenario either ran here or runs in the test below.
    const all = await listScenarios('Server', cwd);
    const ranElsewhere = ['json-schema-2020-12', 'server-sse-polling'];
    for (const name of all) if (!ranElsewhere.includes(name)) expect(run.summary.has(name), `${name} did not run`).toBe(true);
    expect(all.length).toBeGreaterThanOrEqual(30);
  });

  it.each(['json-schema-2020-12', 'server-sse-polling'])('passes %s', { timeout: 120_000 }, async (scenario) => {
    const run = await runConformance(['server', '--url', running.url, '--scenario', scenario], cwd);
    expect(run.output).toMatch(/\b0 failed\b/);
    expect(run.output).not.toMatch(/FAILURE/);
    expect(run.code, run.output.slice(-3000)).toBe(0);
  });
});
