/**
 * Where no sandbox can run, a sandboxed server does not start — never a silent run without it —
 * and `doctor` says why and what to install. "Not installed" is real (PATCHBAY_BWRAP pointing
 * where there is no bwrap); "installed but cannot make namespaces" cannot be produced on this
 * machine (root, namespaces allowed), so a script that fails as bwrap does under Ubuntu's
 * AppArmor restriction stands in for it. Runs on every platform: nothing here needs bwrap.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { scoped, testHub } from '../hub/helpers.js';
import { connect, PROBE_SERVER, visibleHome, type VisibleHome } from './helpers.js';

describe('a sandboxed server where no sandbox can run', () => {
  let where: VisibleHome;
  let mark: string;
  const missing = '/nonexistent/patchbay-test/bwrap';

  beforeAll(() => {
    where = visibleHome();
    mark = join(where.root, 'server-ran');
    writeFileSync(join(where.home, '.claude.json'), JSON.stringify({
      mcpServers: {
        confined: { command: process.execPath, args: [PROBE_SERVER], env: { PROBE_MARK: mark }, patchbay: { sandbox: true } },
        plain: { command: process.execPath, args: [PROBE_SERVER] },
        opted_out: { command: process.execPath, args: [PROBE_SERVER], patchbay: { sandbox: false } },
      },
    }));
  });
  afterAll(() => where?.cleanup());

  it('the hub does not start it, says why, and does not retry', async () => {
    process.env.PATCHBAY_BWRAP = missing;
    try {
      await expect(connect('confined', { command: process.execPath, args: [PROBE_SERVER], env: { PROBE_MARK: mark }, patchbay: { sandbox: true } }, where.project)).rejects.toMatchObject({
        message: expect.stringMatching(/no sandbox can run here \(bubblewrap \(bwrap\) is not installed at PATCHBAY_BWRAP=.*\), so this sandboxed server is not started/),
      });
      const hub = testHub([scoped('confined', { command: process.execPath, args: [PROBE_SERVER], env: { PROBE_MARK: mark }, patchbay: { sandbox: true } })], { cwd: where.project });
      await hub.start();
      const [status] = hub.status();
      expect(status).toMatchObject({ state: 'failed', restarts: 0 });
      expect(status!.reason).toMatch(/not installed/);
      await hub.stop();
      expect(existsSync(mark)).toBe(false);
    } finally {
      delete process.env.PATCHBAY_BWRAP;
    }
  });

  it('doctor says why, what to install, and suggests the sandbox for the unconfined server only', async () => {
    const result = await runCli(['doctor'], { cwd: where.project, env: { PATCHBAY_BWRAP: missing }, timeoutMs: 60_000 });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✘ confined \(stdio, user scope\) — no sandbox can run here .* · sandboxed \(network: none\)/);
    expect(result.stdout).toMatch(/fix: Install bubblewrap: `sudo apt-get install bubblewrap`/);
    expect(result.stdout).toMatch(/Sandbox: unavailable — bubblewrap \(bwrap\) is not installed at PATCHBAY_BWRAP=\/nonexistent\/patchbay-test\/bwrap; sandboxed servers do not start/);
    expect(result.stdout).toMatch(/Suggestions \(1\):\n {2}- plain runs unconfined, with your full rights: `patchbay mcp sandbox plain -s user` confines it/);
    expect(result.stdout).not.toMatch(/- opted_out runs unconfined/);
    expect(existsSync(mark)).toBe(false);
  });

  it('a bwrap that cannot create namespaces is reported with the AppArmor / container fix', async () => {
    const bin = join(where.root, 'fake-bin');
    mkdirSync(bin);
    const fake = join(bin, 'bwrap');
    writeFileSync(fake, '#!/bin/sh\necho "bwrap: setting up uid map: Permission denied" >&2\nexit 1\n');
    chmodSync(fake, 0o755);
    const result = await runCli(['doctor', 'confined'], { cwd: where.project, env: { PATCHBAY_BWRAP: fake }, timeoutMs: 60_000 });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/bubblewrap cannot create a sandbox here: bwrap: setting up uid map: Permission denied/);
    expect(result.stdout).toMatch(/kernel\.apparmor_restrict_unprivileged_userns=0/);
    expect(existsSync(mark)).toBe(false);
  });
});
