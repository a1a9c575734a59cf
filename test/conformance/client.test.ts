/**
 * The official conformance suite's client scenarios against the hub's upstream client
 * (connectUpstream), through the small command in test/fixtures/conformance/client.ts: the suite
 * starts its mock server, runs the command with the URL appended and grades what it saw.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { conformanceAvailable, runConformance } from './helpers.js';

const TSX_CLI = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));
const CLIENT = fileURLToPath(new URL('../fixtures/conformance/client.ts', import.meta.url));
const command = `"${process.execPath}" "${TSX_CLI}" "${CLIENT}"`;

describe.skipIf(!conformanceAvailable)('MCP conformance: client scenarios against connectUpstream', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'patchbay-conformance-client-'));
  it.each(['initialize', 'tools_call', 'elicitation-sep1034-client-defaults', 'sse-retry'])('passes %s', { timeout: 120_000 }, async (scenario) => {
    const run = await runConformance(['client', '--command', command, '--scenario', scenario], cwd, 110_000);
    const verdict = /Passed: (\d+)\/(\d+), (\d+) failed/.exec(run.output);
    expect(verdict, run.output.slice(-3000)).not.toBeNull();
    expect(Number(verdict![1]), run.output.slice(-3000)).toBeGreaterThan(0);
    expect(verdict![3], run.output.slice(-3000)).toBe('0');
    expect(run.code, run.output.slice(-3000)).toBe(0);
  });
});
