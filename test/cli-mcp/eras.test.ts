/**
 * `patchbay mcp list` and `patchbay doctor` name the era each server speaks, and an entry's
 * `patchbay.protocol` overrides negotiation: the same dual-era HTTP server (SDK v2) is reached
 * as 2026-07-28 by default and as 2025-11-25 when the entry pins it; a stdio server initializes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConformanceHttp, type ConformanceHttp } from '../fixtures/conformance/http-server.mjs';
import { runCli } from '../helpers/cli.js';
import { createSandbox, TINY_SERVER } from './sandbox.js';

let upstream: ConformanceHttp;
beforeAll(async () => {
  upstream = await startConformanceHttp();
});
afterAll(async () => {
  await upstream?.close();
});

describe('the protocol era of each server', () => {
  it('list and doctor show it; patchbay.protocol pins it', async () => {
    const sandbox = createSandbox();
    expect((await sandbox.run(['add', '-s', 'user', 'auto', upstream.url])).code).toBe(0);
    const pinned = { type: 'http', url: upstream.url, patchbay: { protocol: '2025-11-25' } };
    expect((await sandbox.run(['add-json', '-s', 'user', 'pinned', JSON.stringify(pinned)])).code).toBe(0);
    expect((await sandbox.run(['add', '-s', 'user', 'local', process.execPath, TINY_SERVER])).code).toBe(0);

    const list = await sandbox.run(['list', '--timeout', '15000'], { timeoutMs: 60_000 });
    expect(list.code, list.stderr).toBe(0);
    const after = (name: string) => {
      const lines = list.stdout.split('\n');
      return lines[lines.findIndex((l) => l.startsWith(`${name}: `)) + 1];
    };
    expect(after('auto')).toBe('  Protocol: 2026-07-28 (stateless)');
    expect(after('pinned')).toBe('  Protocol: 2025-11-25 (initialize)');
    expect(after('local')).toBe('  Protocol: 2025-11-25 (initialize)');
    const json = JSON.parse((await sandbox.run(['list', '--json'], { timeoutMs: 60_000 })).stdout) as { name: string; protocolVersion?: string }[];
    expect(Object.fromEntries(json.map((s) => [s.name, s.protocolVersion]))).toEqual({ auto: '2026-07-28', pinned: '2025-11-25', local: '2025-11-25' });

    const doctor = await runCli(['doctor'], { cwd: sandbox.project, env: sandbox.env, timeoutMs: 60_000 });
    expect(doctor.stdout).toMatch(/✔ auto \(http, user scope\) — connected to conformance-fixture 1\.0\.0, \d+ tools; speaks 2026-07-28 \(stateless\)/);
    expect(doctor.stdout).toMatch(/✔ pinned \(http, user scope\) — connected to conformance-fixture 1\.0\.0, \d+ tools; speaks 2025-11-25 \(initialize\)/);
  });

  it('an unknown protocol value is a config problem that names the allowed ones', async () => {
    const sandbox = createSandbox();
    const entry = { type: 'http', url: upstream.url, patchbay: { protocol: '2027-01-01' } };
    const added = await sandbox.run(['add-json', '-s', 'user', 'odd', JSON.stringify(entry)]);
    expect(added.code).not.toBe(0);
    expect(added.stderr + added.stdout).toContain('"auto", "2026-07-28" or "2025-11-25"');
  });
});
