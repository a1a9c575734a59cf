/**
 * Both official conformance suites against a server that speaks both eras on one Streamable
 * HTTP URL — 2025-11-25 sessions and the SDK v2's stateless 2026-07-28 handler
 * (test/fixtures/conformance/http-server.mjs; the conformance package ships no reference server
 * of its own) — first directly, then through Patchbay with that server as an `http` entry with
 * an empty prefix, the way a user would put it behind `patchbay up`. The hub negotiates
 * 2026-07-28 with it, so every legacy client's call crosses eras.
 *
 * - stable suite `@modelcontextprotocol/conformance` 0.1.16 (legacy clients): every scenario
 *   that passes directly passes through Patchbay.
 * - the 2026-07-28 requirement set (`@modelcontextprotocol/conformance-next`, 0.2.0-alpha.12
 *   pinned, `server --requirements 2026-07-28`, modern clients): the same, and every scenario
 *   the revision requires passes through Patchbay, including those the gateway's own layer owns
 *   (_meta and header checks, removed methods, caching hints, no unrequested logs, capability
 *   checks, input_required round trips).
 * The gateway runs with auth off on loopback (`patchbay up --no-auth`), as the suites connect
 * without a token.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConformanceHttp } from '../fixtures/conformance/http-server.mjs';
import { startGateway, type Running } from '../gateway/helpers/harness.js';
import { CONFORMANCE_NEXT_CLI, conformanceAvailable, conformanceNextAvailable, runConformance, type ConformanceRun } from './helpers.js';

/** Scenario → "passed/failed" for both runs, printed so a run's log shows the whole table. */
function table(title: string, direct: ConformanceRun, through: ConformanceRun): string {
  const names = [...new Set([...direct.summary.keys(), ...through.summary.keys()])];
  const cell = (run: ConformanceRun, name: string) => {
    const r = run.summary.get(name);
    return r ? `${r[1] === 0 ? '✓' : '✗'} ${r[0]}/${r[1]}` : '—';
  };
  return [`${title}`, '| scenario | directly | through Patchbay |', '|---|---|---|', ...names.map((n) => `| ${n} | ${cell(direct, n)} | ${cell(through, n)} |`)].join('\n');
}

const passing = (run: ConformanceRun) => [...run.summary].filter(([, [, failed]]) => failed === 0).map(([name]) => name);

describe.skipIf(!conformanceAvailable || !conformanceNextAvailable)('MCP conformance: a dual-era HTTP server directly and through Patchbay', () => {
  let upstream: Awaited<ReturnType<typeof startConformanceHttp>>;
  let running: Running;
  const cwd = mkdtempSync(join(tmpdir(), 'patchbay-conformance-eras-'));

  beforeAll(async () => {
    upstream = await startConformanceHttp();
    running = await startGateway([{ name: 'conformance', scope: 'user', file: '/dev/null', entry: { type: 'http', url: upstream.url, patchbay: { prefix: '' } } }]);
    expect(running.hub.status()).toMatchObject([{ state: 'ready', protocolVersion: '2026-07-28' }]);
  });
  afterAll(async () => {
    await running?.close();
    await upstream?.close();
  });

  it('stable suite 0.1.16: every scenario that passes directly passes through Patchbay', { timeout: 600_000 }, async () => {
    const direct = await runConformance(['server', '--url', upstream.url], cwd, 300_000);
    const through = await runConformance(['server', '--url', running.url], cwd, 300_000);
    console.log(table('stable suite 0.1.16 (2025-11-25 clients)', direct, through));
    expect(direct.summary.size, direct.output.slice(-3000)).toBeGreaterThanOrEqual(30);
    const lost = passing(direct).filter((name) => !passing(through).includes(name));
    expect(lost, through.output.slice(-4000)).toEqual([]);
  });

  it('2026-07-28 requirement set: every scenario that passes directly passes through Patchbay, and every required one passes', { timeout: 600_000 }, async () => {
    const args = (url: string) => ['server', '--url', url, '--requirements', '2026-07-28'];
    const direct = await runConformance(args(upstream.url), cwd, 300_000, CONFORMANCE_NEXT_CLI);
    const through = await runConformance(args(running.url), cwd, 300_000, CONFORMANCE_NEXT_CLI);
    console.log(table('2026-07-28 requirement set, 0.2.0-alpha.12 (2026-07-28 clients)', direct, through));
    expect(direct.summary.size, direct.output.slice(-3000)).toBeGreaterThanOrEqual(37);
    const lost = passing(direct).filter((name) => !passing(through).includes(name));
    expect(lost, through.output.slice(-4000)).toEqual([]);
    // The referee scores only the required scenarios: its exit code says whether all of them pass.
    expect(through.code, through.output.slice(-4000)).toBe(0);
  });
});
