/**
 * The official conformance suite's client auth scenarios against Patchbay's real login code
 * (src/auth/oauth/ through connectUpstream), via test/fixtures/oauth/conformance-client.ts: every
 * tier-1 (2025-11-25) and back-compat (2025-03-26) scenario of 0.1.16 with no failure and no
 * warning, the draft resource-mismatch and offline-access ones, and the 2026-07-28 `iss` and
 * issuer-mismatch scenarios of conformance-next.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_NEXT_CLI, conformanceAvailable, conformanceNextAvailable, runConformance } from './helpers.js';

const TSX_CLI = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));
const CLIENT = fileURLToPath(new URL('../fixtures/oauth/conformance-client.ts', import.meta.url));
const command = `"${process.execPath}" "${TSX_CLI}" "${CLIENT}"`;

const STABLE = [
  'auth/metadata-default',
  'auth/metadata-var1',
  'auth/metadata-var2',
  'auth/metadata-var3',
  'auth/basic-cimd',
  'auth/scope-from-www-authenticate',
  'auth/scope-from-scopes-supported',
  'auth/scope-omitted-when-undefined',
  'auth/scope-step-up',
  'auth/scope-retry-limit',
  'auth/token-endpoint-auth-basic',
  'auth/token-endpoint-auth-post',
  'auth/token-endpoint-auth-none',
  'auth/pre-registration',
  'auth/2025-03-26-oauth-metadata-backcompat',
  'auth/2025-03-26-oauth-endpoint-fallback',
  'auth/resource-mismatch',
  'auth/offline-access-scope',
  'auth/offline-access-not-supported',
];

const NEXT = ['auth/iss-supported', 'auth/iss-not-advertised', 'auth/iss-supported-missing', 'auth/iss-wrong-issuer', 'auth/iss-unexpected', 'auth/iss-normalized', 'auth/metadata-issuer-mismatch', 'auth/authorization-server-migration'];

function expectClean(output: string, code: number | null) {
  const verdict = /Passed: (\d+)\/(\d+), (\d+) failed, (\d+) warnings/.exec(output);
  expect(verdict, output.slice(-3000)).not.toBeNull();
  expect(Number(verdict![1]), output.slice(-3000)).toBeGreaterThan(0);
  expect(verdict![3], output.slice(-3000)).toBe('0');
  expect(verdict![4], output.slice(-3000)).toBe('0');
  expect(code, output.slice(-3000)).toBe(0);
}

describe.skipIf(!conformanceAvailable)('MCP conformance 0.1.16: client auth scenarios against Patchbay login', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'patchbay-conformance-auth-'));
  it.each(STABLE)('passes %s', { timeout: 120_000 }, async (scenario) => {
    const run = await runConformance(['client', '--command', command, '--scenario', scenario], cwd, 110_000);
    expectClean(run.output, run.code);
  });
});

describe.skipIf(!conformanceNextAvailable)('MCP conformance-next: 2026-07-28 issuer scenarios against Patchbay login', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'patchbay-conformance-auth-next-'));
  it.each(NEXT)('passes %s', { timeout: 120_000 }, async (scenario) => {
    const run = await runConformance(['client', '--command', command, '--scenario', scenario], cwd, 110_000, CONFORMANCE_NEXT_CLI);
    expectClean(run.output, run.code);
  });
});
