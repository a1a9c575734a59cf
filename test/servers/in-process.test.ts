/**
 * Which entries the hub runs in its own process (src/servers/in-process.ts), how the caller is
 * carried to them (src/hub/upstream/in-process.ts), and what a user sees when one cannot start.
 */
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServerEntry } from '../../src/config/types.js';
import { createHub } from '../../src/hub/index.js';
import { CALLER_META, withCaller } from '../../src/hub/upstream/in-process.js';
import { inProcessBuiltin } from '../../src/servers/in-process.js';
import { createInProcessHost } from '../../src/servers/in-process-host.js';
import { PATCHBAY_BIN } from '../helpers/cli.js';

const stdio = (command: string, args: string[], patchbay?: Record<string, unknown>): ServerEntry => ({ type: 'stdio', command, args, env: {}, ...(patchbay ? { patchbay } : {}) }) as ServerEntry;

describe('entries the hub runs in-process', () => {
  it('takes `node …/bin/patchbay.js server models|agent`, the bin itself, and `patchbay` found on PATH', () => {
    expect(inProcessBuiltin(stdio(process.execPath, [PATCHBAY_BIN, 'server', 'models', '--model', 'fast']))).toMatchObject({ builtin: 'models', args: ['--model', 'fast'] });
    expect(inProcessBuiltin(stdio('node', [PATCHBAY_BIN, 'server', 'agent']))).toMatchObject({ builtin: 'agent', args: [] });
    expect(inProcessBuiltin(stdio(PATCHBAY_BIN, ['server', 'models']))).toMatchObject({ builtin: 'models' });
    const bin = mkdtempSync(join(tmpdir(), 'patchbay-bin-'));
    symlinkSync(PATCHBAY_BIN, join(bin, 'patchbay'));
    expect(inProcessBuiltin(stdio('patchbay', ['server', 'models']), { PATH: bin })).toMatchObject({ builtin: 'models' });
    expect(inProcessBuiltin(stdio('patchbay', ['server', 'models']), { PATH: '/nonexistent' })).toBeUndefined();
  });

  it('leaves everything else to a child: other built-ins, other programs, sandboxed entries, remotes', () => {
    expect(inProcessBuiltin(stdio(process.execPath, [PATCHBAY_BIN, 'server', 'files']))).toBeUndefined();
    expect(inProcessBuiltin(stdio(process.execPath, [PATCHBAY_BIN, 'server', 'toString']))).toBeUndefined();
    expect(inProcessBuiltin(stdio(process.execPath, ['/tmp/other.js', 'server', 'models']))).toBeUndefined();
    expect(inProcessBuiltin(stdio(process.execPath, [PATCHBAY_BIN, 'up']))).toBeUndefined();
    expect(inProcessBuiltin(stdio(process.execPath, [PATCHBAY_BIN, 'server', 'models'], { sandbox: true }))).toBeUndefined();
    expect(inProcessBuiltin({ type: 'http', url: 'http://127.0.0.1:1/mcp' } as ServerEntry)).toBeUndefined();
  });
});

describe('the caller', () => {
  it('is set by the hub, whatever the client put under the same key', () => {
    expect(withCaller({ name: 'ask', _meta: { [CALLER_META]: 'someone-else', progressToken: 3 } }, 'host-a')).toEqual({ name: 'ask', _meta: { [CALLER_META]: 'host-a', progressToken: 3 } });
    expect(withCaller({ name: 'ask', _meta: { [CALLER_META]: 'someone-else' } }, undefined)).toEqual({ name: 'ask' });
    expect(withCaller(undefined, undefined)).toEqual({});
  });
});

describe('an in-process server that cannot start', () => {
  it('fails once with the reason (no proxy, bad flags) and is not restarted', async () => {
    const host = createInProcessHost({ proxy: 'no provider is configured', hubUrl: () => undefined, issueClientToken: () => 'x', env: process.env, cwd: process.cwd() });
    const servers = [
      { name: 'models', scope: 'user' as const, file: '/dev/null', entry: stdio(process.execPath, [PATCHBAY_BIN, 'server', 'models']) },
      { name: 'models2', scope: 'user' as const, file: '/dev/null', entry: stdio(process.execPath, [PATCHBAY_BIN, 'server', 'models', '--max-tokens', 'lots']) },
    ];
    const hub = createHub({ servers, ping: { intervalMs: 0 }, inProcess: host, logDir: mkdtempSync(join(tmpdir(), 'patchbay-logs-')) });
    await hub.start();
    const [noProxy, badFlag] = hub.status();
    expect(noProxy).toMatchObject({ state: 'failed', restarts: 0 });
    expect(noProxy!.reason).toContain('calls models through Patchbay\'s proxy, which is not mounted (no provider is configured)');
    expect(badFlag).toMatchObject({ state: 'failed', restarts: 0 });
    expect(badFlag!.reason).toContain('--max-tokens must be a positive number, not "lots"');
    await hub.stop();
  });
});
