/**
 * `patchbay server shell` with its real sandbox (bubblewrap) and real processes, called by an SDK
 * v2 client: the bypasses that defeat DesktopCommander's blocklist, an interactive bash that
 * stays inside the sandbox, output read in pieces and pages, timeouts that take the whole group.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectShell, eventually, hostProcesses, tempDir } from './helpers.js';

type Shell = Awaited<ReturnType<typeof connectShell>>;

describe('the allow list, checked by a real shell parser', () => {
  let shell: Shell;
  let root: string;
  beforeAll(async () => {
    root = tempDir('pb-shell-root-');
    shell = await connectShell(['--root', root, '--allow', 'npm test', '--allow', 'echo:*']);
  }, 60_000);
  afterAll(async () => shell?.close());

  it('refuses every DesktopCommander bypass against an allow list of `npm test`', { timeout: 60_000 }, async () => {
    const bypasses = {
      "m'o'unt": /`mount` is not in the allow list/,
      '"mount"': /`mount` is not in the allow list/,
      '$(mount)': /command name .* is computed/,
      'env mount': /`env mount` is not in the allow list \(env runs other commands/,
      '/bin/mou*t': /command name .* is computed/,
      'echo a\nmount': /`mount` is not in the allow list \(part of the command: `mount`\)/,
      'npm test && curl http://127.0.0.1:9/x': /`curl http:\/\/127\.0\.0\.1:9\/x` is not in the allow list/,
      'npm test | sh': /`sh` is not in the allow list/,
      'npm test; `mount`': /computed/,
      'echo "$(mount)"': /`mount` is not in the allow list/,
      'echo <(mount)': /`mount` is not in the allow list/,
      '(mount)': /`mount` is not in the allow list/,
      'if npm test; then mount; fi': /`mount` is not in the allow list/,
      'cat <<EOF\n$(mount)\nEOF': /not in the allow list/,
      "echo $'\\x6dount'": /ANSI-C quoting/,
      'PATH=/tmp npm test': /sets variables/,
      'npm() { mount; }; npm test': /function definitions/,
      'echo ${x:-$(mount)}': /parameter expansion/,
      'npm test &': /background/,
      'echo "unclosed': /parser cannot read it/,
      'echo hi > /etc/passwd': /writes outside the roots/,
    };
    for (const [command, reason] of Object.entries(bypasses)) {
      const result = await shell.call('run_command', { command });
      expect(result.isError, command).toBe(true);
      expect(result.text, command).toMatch(/^refused: /);
      expect(result.text, command).toMatch(reason);
    }
    expect(await shell.call('list_processes', {})).toMatchObject({ data: { processes: [] } });
  });

  it('runs what is allowed, in a root, with quotes removed as the shell does', { timeout: 60_000 }, async () => {
    const result = await shell.call('run_command', { command: `echo 'one' "two" && echo three > out.txt` });
    expect(result.isError, result.text).toBe(false);
    expect(result.data).toMatchObject({ output: 'one two\n', exitCode: 0, status: 'exited', cwd: root });
    expect(existsSync(join(root, 'out.txt'))).toBe(true);
  });

  it('keeps the cwd inside a root', { timeout: 30_000 }, async () => {
    const outside = await shell.call('run_command', { command: 'echo x', cwd: '..' });
    expect(outside).toMatchObject({ isError: true, text: expect.stringMatching(/is outside the roots/) });
  });

  it('has no tool that changes its settings, and shows them', { timeout: 30_000 }, async () => {
    const names = (await shell.mcp.listTools()).tools.map((t) => t.name).sort();
    expect(names).toEqual(['list_processes', 'read_output', 'run_command', 'shell_settings', 'start_process', 'stop_process', 'write_input']);
    const settings = await shell.call('shell_settings', {});
    expect(settings.data).toMatchObject({ roots: [root], sandbox: 'on', network: 'none', allow: ['Bash(npm test) (--allow)', 'Bash(echo:*) (--allow)'] });
  });
});

describe('rules from Patchbay\'s policy files', () => {
  it('reads Bash(…) rules from config.json; a project may deny but not allow', { timeout: 60_000 }, async () => {
    const root = tempDir('pb-shell-policy-');
    const config = join(tempDir('pb-shell-config-'), 'config.json');
    writeFileSync(config, JSON.stringify({ permissions: { allow: ['Bash(echo:*)', 'Bash(cat:*)', 'mcp__files'], deny: ['Bash(echo secret:*)'] } }));
    mkdirSync(join(root, '.claude'));
    writeFileSync(join(root, '.claude', 'settings.json'), JSON.stringify({ permissions: { allow: ['Bash(touch:*)'], deny: ['Bash(cat:*)'] } }));
    const shell = await connectShell(['--root', root, '--config', config]);
    try {
      expect((await shell.call('run_command', { command: 'echo ok' })).data).toMatchObject({ output: 'ok\n' });
      expect((await shell.call('run_command', { command: 'echo secret x' })).text).toMatch(/denied by Bash\(echo secret:\*\) \(.*config\.json\)/);
      expect((await shell.call('run_command', { command: 'cat /etc/hostname' })).text).toMatch(/denied by Bash\(cat:\*\) \(.*\.claude\/settings\.json\)/);
      expect((await shell.call('run_command', { command: 'touch x' })).text).toMatch(/`touch x` is not in the allow list/);
      // The config file is outside the roots: a command cannot widen its own allow list.
      expect((await shell.call('run_command', { command: `echo '{"permissions":{"allow":["Bash"]}}' > ${config}` })).text).toMatch(/writes outside the roots/);
    } finally {
      await shell.close();
    }
  });
});

describe('an interactive bash started through the server', () => {
  let shell: Shell;
  let root: string;
  let allowedPort: number;
  let closedPort: number;
  const connections = { allowed: 0, closed: 0 };
  const listeners: Server[] = [];
  beforeAll(async () => {
    root = tempDir('pb-shell-bash-');
    for (const which of ['allowed', 'closed'] as const) {
      const server = createServer((socket) => {
        connections[which]++;
        socket.end(`hello-from-${which}\n`);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      listeners.push(server);
      const port = (server.address() as { port: number }).port;
      if (which === 'allowed') allowedPort = port;
      else closedPort = port;
    }
    shell = await connectShell(['--root', root, '--allow', 'bash', '--network-allow', `127.0.0.1:${allowedPort}`]);
  }, 60_000);
  afterAll(async () => {
    await shell?.close();
    for (const l of listeners) l.close();
  });

  it('cannot write outside the roots, nor reach a 127.0.0.1 port that is not allowed', { timeout: 120_000 }, async () => {
    const outside = tempDir('pb-shell-outside-', '/var/tmp');
    const home = process.env.HOME!;
    const started = await shell.call('start_process', { command: 'bash', wait_seconds: 0 });
    expect(started.isError, started.text).toBe(false);
    const id = started.data.id!;
    // Typed into the shell, not checked by the allow list: the sandbox is what holds.
    const script = [
      `echo inside > ${root}/inside.txt && echo wrote-inside`,
      `echo evil > ${outside}/evil.txt 2>&1 || echo blocked-outside`,
      `echo evil > ${home}/evil.txt; echo home-done`,
      `(exec 3<>/dev/tcp/127.0.0.1/${closedPort} && cat <&3) 2>/dev/null || echo no-route-${closedPort}`,
      `(exec 3<>/dev/tcp/127.0.0.1/${allowedPort} && cat <&3) 2>&1`,
      'mount -t tmpfs none /mnt 2>/dev/null || echo mount-failed',
      'echo all-done',
      '',
    ].join('\n');
    expect((await shell.call('write_input', { id, input: script })).isError).toBe(false);
    const output = await shell.readUntil(id, /all-done/);
    expect(output).toContain('wrote-inside');
    expect(existsSync(join(root, 'inside.txt'))).toBe(true);
    expect(output).toContain('blocked-outside');
    expect(existsSync(join(outside, 'evil.txt'))).toBe(false);
    expect(existsSync(join(home, 'evil.txt'))).toBe(false);
    expect(output).toContain(`no-route-${closedPort}`);
    expect(connections.closed).toBe(0);
    // The allowed port does answer, so the refusal above is the sandbox's doing.
    expect(output).toContain('hello-from-allowed');
    expect(output).toContain('mount-failed');
    await shell.call('write_input', { id, input: 'exit\n', close: true });
    expect(await eventually(async () => (await shell.call('list_processes', {})).text.includes('"status": "exited"'))).toBe(true);
  });
});

describe('processes', () => {
  let shell: Shell;
  beforeAll(async () => {
    shell = await connectShell(['--root', tempDir('pb-shell-proc-'), '--allow', 'cat', '--allow', 'seq:*', '--allow', 'sleep:*', '--allow', 'echo:*']);
  }, 60_000);
  afterAll(async () => shell?.close());

  it('reads a long-running process\'s new output piece by piece', { timeout: 60_000 }, async () => {
    const started = await shell.call('start_process', { command: 'cat', wait_seconds: 0 });
    const id = started.data.id!;
    await shell.call('write_input', { id, input: 'first piece\n' });
    expect(await shell.readUntil(id, /first piece\n/)).toBe('first piece\n');
    await shell.call('write_input', { id, input: 'second piece\n' });
    // Only what is new since the last read.
    expect(await shell.readUntil(id, /second piece\n/)).toBe('second piece\n');
    await shell.call('write_input', { id, input: '', close: true });
    await shell.readUntil(id, /$^/);
    const last = await shell.call('read_output', { id });
    expect(last.data).toMatchObject({ status: 'exited', exitCode: 0, output: '' });
    // The whole output is still there from offset 0.
    expect((await shell.call('read_output', { id, offset: 0 })).data.output).toBe('first piece\nsecond piece\n');
  });

  it('caps a command\'s output per call and pages the rest', { timeout: 60_000 }, async () => {
    const result = await shell.call('run_command', { command: 'seq 1 20000', max_chars: 1000 });
    expect(result.data).toMatchObject({ exitCode: 0, more: true, next: 1000 });
    expect(result.text).toMatch(/more output: read_output id=p\d+ \(offset 1000\)/);
    let all = result.data.output!;
    for (let page = result; page.data.more; ) {
      page = await shell.call('read_output', { id: result.data.id, max_chars: 50_000 });
      all += page.data.output;
    }
    expect(all).toBe(`${Array.from({ length: 20000 }, (_, i) => i + 1).join('\n')}\n`);
  });

  it('kills the whole process group at the timeout: the grandchild is gone too', { timeout: 90_000 }, async () => {
    const marker = String(800000 + Math.floor(Math.random() * 99999));
    // bash -c → a subshell → sleep: the sleep is a grandchild of what the server spawned.
    const running = shell.call('run_command', { command: `( sleep ${marker}; echo never ) | cat`, timeout_seconds: 10 });
    expect(await eventually(async () => (await hostProcesses('sleep', marker)).length > 0)).toBe(true);
    const result = await running;
    expect(result.data).toMatchObject({ timedOut: true, status: 'exited' });
    expect(result.text).toMatch(/killed at the timeout/);
    expect(await eventually(async () => (await hostProcesses('sleep', marker)).length === 0)).toBe(true);
  });

  it('stops only the processes it started, with their children', { timeout: 60_000 }, async () => {
    const marker = String(700000 + Math.floor(Math.random() * 99999));
    const started = await shell.call('start_process', { command: `( sleep ${marker} ) | cat`, wait_seconds: 0 });
    expect(await eventually(async () => (await hostProcesses('sleep', marker)).length > 0)).toBe(true);
    const stopped = await shell.call('stop_process', { id: started.data.id });
    expect(stopped.data).toMatchObject({ status: 'exited' });
    expect(await eventually(async () => (await hostProcesses('sleep', marker)).length === 0)).toBe(true);
    const stranger = await shell.call('stop_process', { id: 'p99999' });
    expect(stranger).toMatchObject({ isError: true, text: expect.stringMatching(/no process "p99999" was started by this server/) });
  });
});

describe('without a working sandbox', () => {
  it('runs nothing and says why', { timeout: 30_000 }, async () => {
    const root = tempDir('pb-shell-nosandbox-');
    const shell = await connectShell(['--root', root, '--allow', 'touch:*'], { ...process.env, PATCHBAY_BWRAP: '/nonexistent/bwrap' });
    try {
      expect(shell.banner).toMatch(/no command will run: no sandbox can run here \(bubblewrap \(bwrap\) is not installed at PATCHBAY_BWRAP=\/nonexistent\/bwrap\)/);
      for (const tool of ['run_command', 'start_process'] as const) {
        const result = await shell.call(tool, { command: 'touch ran.txt' });
        expect(result.isError).toBe(true);
        expect(result.text).toMatch(/^no command runs: no sandbox can run here \(bubblewrap \(bwrap\) is not installed .*Install bubblewrap: `sudo apt-get install bubblewrap`/);
      }
      expect(existsSync(join(root, 'ran.txt'))).toBe(false);
      expect((await shell.call('shell_settings', {})).data.sandbox).toMatch(/^unavailable: /);
    } finally {
      await shell.close();
    }
  });
});
