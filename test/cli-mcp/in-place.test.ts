/**
 * Issue 9, item 9: a change to a host file changes only the entry it is about. Every byte outside
 * it stays (numbers JSON.parse would round, `1.0`, escapes, layout), a UTF-8 BOM is read and kept,
 * a read-only file is refused and left alone, file-system refusals are plain errors, a dangling
 * symlink is written through, and `-s project` outside a git repository says where the file goes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PATCHBAY_BIN } from '../helpers/cli.js';
import { createSandbox } from './sandbox.js';

/** A ~/.claude.json with everything a re-serialiser would change, in Claude Code's layout. */
const FRAGILE = [
  '{',
  '  "numStartups": 12345678901234567890,',
  '  "ratio": 1.0,',
  '  "tip": "caf\\u00e9 \\/ \\ud83d\\ude00",',
  '  "oddLayout": [1,2,   3],',
  '  "projects": {',
  '    "/somewhere/else": {"allowedTools": ["Bash"], "hasTrustDialogAccepted": true}',
  '  },',
  '  "mcpServers": {',
  '    "existing": {"type": "stdio", "command": "npx", "args": ["-y", "x"], "env": {}}',
  '  }',
  '}',
].join('\n');

describe('host files change only in the entry concerned', () => {
  it('add then remove leaves ~/.claude.json byte for byte as it was, in user and local scope', async () => {
    const sandbox = createSandbox();
    sandbox.write(sandbox.claudeJson, FRAGILE);
    expect((await sandbox.run(['add', '-s', 'user', 'srv', 'node', 'server.js'])).code).toBe(0);
    const added = readFileSync(sandbox.claudeJson, 'utf8');
    // Everything before the new entry is untouched; the entry is laid out as Claude Code would.
    expect(added.startsWith(FRAGILE.slice(0, FRAGILE.lastIndexOf('}\n  }')))).toBe(true);
    expect(added).toContain('"srv": {\n      "type": "stdio",\n      "command": "node",\n      "args": [\n        "server.js"\n      ],\n      "env": {}\n    }');
    expect((await sandbox.run(['remove', 'srv', '-s', 'user'])).code).toBe(0);
    expect(readFileSync(sandbox.claudeJson, 'utf8')).toBe(FRAGILE);

    expect((await sandbox.run(['add', 'loc', 'node', 'l.js'])).code).toBe(0);
    const withLocal = readFileSync(sandbox.claudeJson, 'utf8');
    expect(withLocal).toContain('"numStartups": 12345678901234567890,\n  "ratio": 1.0,\n  "tip": "caf\\u00e9 \\/ \\ud83d\\ude00",\n  "oddLayout": [1,2,   3],');
    expect(JSON.parse(withLocal).projects[sandbox.project].mcpServers.loc).toEqual({ type: 'stdio', command: 'node', args: ['l.js'], env: {} });
  });

  it('a UTF-8 byte-order mark is read (no "unexpected character") and kept', async () => {
    const sandbox = createSandbox();
    writeFileSync(sandbox.claudeJson, `\uFEFF${FRAGILE}`);
    const list = await sandbox.run(['list', '--timeout', '200']);
    expect(list.stderr).toBe('');
    expect(list.stdout).toContain('existing: npx -y x');
    expect((await sandbox.run(['add', '-s', 'user', 'srv', 'node', 's.js'])).code).toBe(0);
    const bytes = readFileSync(sandbox.claudeJson);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(JSON.parse(bytes.toString('utf8').slice(1)).mcpServers.srv).toEqual({ type: 'stdio', command: 'node', args: ['s.js'], env: {} });
    expect((await sandbox.run(['remove', 'srv', '-s', 'user'])).code).toBe(0);
    expect(readFileSync(sandbox.claudeJson, 'utf8')).toBe(`\uFEFF${FRAGILE}`);
  });

  it('a read-only file is refused with a message that says so, and stays as it was', async () => {
    const sandbox = createSandbox();
    sandbox.write(sandbox.claudeJson, FRAGILE);
    chmodSync(sandbox.claudeJson, 0o444);
    const r = await sandbox.run(['add', '-s', 'user', 'srv', 'node', 's.js']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${sandbox.claudeJson} is read-only; nothing was changed`);
    expect(r.stderr).toContain(`chmod u+w ${sandbox.claudeJson}`);
    expect(r.stderr).not.toContain('internal error');
    expect(readFileSync(sandbox.claudeJson, 'utf8')).toBe(FRAGILE);
    expect(statSync(sandbox.claudeJson).mode & 0o777).toBe(0o444);
  });

  it('a folder where the file cannot go is a plain error, not "internal error"', async () => {
    const sandbox = createSandbox();
    // CLAUDE_CONFIG_DIR names a file: no folder can be made there.
    const notAFolder = join(sandbox.home, 'not-a-folder');
    writeFileSync(notAFolder, 'x');
    const r = await sandbox.run(['add', '-s', 'user', 'srv', 'node', 's.js'], { env: { CLAUDE_CONFIG_DIR: join(notAFolder, 'claude') } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot write .*not-a-folder\/claude\/\.claude\.json \(a part of the path is (a file, not a folder|not a folder)\); nothing was changed/);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).not.toContain('    at ');
  });

  it('a folder where the lock cannot be created is a plain error, not "internal error"', () => {
    // Permissions do not bind root, so as root the CLI runs as "nobody" against a root-owned folder.
    const asRoot = process.getuid?.() === 0;
    const base = mkdtempSync(join(tmpdir(), 'patchbay-lock-'));
    chmodSync(base, 0o755);
    const home = join(base, 'home');
    const project = join(home, 'project');
    mkdirSync(join(project, '.git'), { recursive: true });
    const mcpJson = join(project, '.mcp.json');
    writeFileSync(mcpJson, '{\n  "mcpServers": {}\n}');
    chmodSync(mcpJson, 0o666);
    if (asRoot) {
      chownSync(home, 65534, 65534);
      chmodSync(project, 0o755);
    } else {
      chmodSync(project, 0o555);
    }
    try {
      const r = spawnSync(process.execPath, [PATCHBAY_BIN, 'mcp', 'add', '-s', 'project', 'srv', 'node', 's.js'], {
        cwd: project,
        env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local', 'share'), XDG_STATE_HOME: join(home, '.local', 'state') },
        encoding: 'utf8',
        timeout: 60_000,
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`cannot change ${mcpJson}: could not create its lock ${mcpJson}.lock in ${project} (permission denied); nothing was changed`);
      expect(r.stderr).toContain(`ls -ld ${project}`);
      expect(r.stderr).not.toContain('internal error');
      expect(readFileSync(mcpJson, 'utf8')).toBe('{\n  "mcpServers": {}\n}');
    } finally {
      chmodSync(project, 0o755);
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('a dangling symlink is written through to its target, and stays a symlink', async () => {
    const sandbox = createSandbox();
    const target = join(sandbox.home, 'dotfiles', 'claude.json');
    mkdirSync(join(sandbox.home, 'dotfiles'));
    symlinkSync(target, sandbox.claudeJson);
    const r = await sandbox.run(['add', '-s', 'user', 'srv', 'node', 's.js']);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(sandbox.claudeJson).isSymbolicLink()).toBe(true);
    expect(readlinkSync(sandbox.claudeJson)).toBe(target);
    expect(JSON.parse(readFileSync(target, 'utf8'))).toEqual({ mcpServers: { srv: { type: 'stdio', command: 'node', args: ['s.js'], env: {} } } });
  });

  it('-s project outside a git repository says where .mcp.json goes; inside one it does not', async () => {
    const sandbox = createSandbox();
    const outside = await sandbox.run(['add', '-s', 'project', 'srv', 'node', 's.js']);
    expect(outside.code).toBe(0);
    expect(outside.stdout).toContain(`Note: ${sandbox.project} is not inside a git repository, so this folder is the project and its .mcp.json is ${sandbox.mcpJson}.`);
    expect(existsSync(sandbox.mcpJson)).toBe(true);

    const repo = join(sandbox.home, 'repo');
    mkdirSync(join(repo, 'sub'), { recursive: true });
    execFileSync('git', ['init', '-q'], { cwd: repo });
    const inside = await sandbox.run(['add', '-s', 'project', 'srv', 'node', 's.js'], { cwd: join(repo, 'sub') });
    expect(inside.code).toBe(0);
    expect(inside.stdout).toContain(`File modified: ${join(repo, '.mcp.json')}`);
    expect(inside.stdout).not.toContain('not inside a git repository');
  });
});
