import { describe, expect, it } from 'vitest';
import { compilePolicy, splitBody, type Mode, type PolicyInput } from './compile.js';
import { parseRule } from './parse.js';

const HOME = '/home/ada';
const ROOT = '/home/ada/projects/site';
const SERVERS = ['files', 'github', 'shell', 'my_server', 'my'];

function policy(rules: Partial<Record<Mode, string[]>>, extra: Partial<PolicyInput> = {}) {
  const input: PolicyInput = {
    rules: (['allow', 'ask', 'deny'] as const).flatMap((list) => (rules[list] ?? []).map((text) => ({ list, text, origin: 'config.json', user: true }))),
    defaultMode: 'allow',
    serverModes: {},
    problems: [],
    ...extra,
  };
  return compilePolicy(input, { servers: SERVERS, paths: { home: HOME, base: ROOT } });
}

const mode = (p: ReturnType<typeof policy>, server: string, tool: string, args: Record<string, unknown> = {}, client = 'default') => p.decide(client, server, tool, args).mode;

describe('rule forms', () => {
  it('mcp__S and mcp__S__* name every tool of the server, and only of that server', () => {
    for (const rule of ['mcp__shell', 'mcp__shell__*']) {
      const p = policy({ deny: [rule] });
      expect(mode(p, 'shell', 'run')).toBe('deny');
      expect(mode(p, 'shell', 'anything')).toBe('deny');
      expect(mode(p, 'files', 'run')).toBe('allow');
    }
  });

  it('mcp__S__T names one tool; a * in T is a wildcard', () => {
    const p = policy({ deny: ['mcp__github__delete_repo', 'mcp__files__write_*'] });
    expect(mode(p, 'github', 'delete_repo')).toBe('deny');
    expect(mode(p, 'github', 'delete_repository')).toBe('allow');
    expect(mode(p, 'files', 'write_file')).toBe('deny');
    expect(mode(p, 'files', 'read_file')).toBe('allow');
  });

  it('mcp__* names every server', () => {
    const p = policy({ ask: ['mcp__*(client:cursor)'] });
    expect(mode(p, 'files', 'read_file', {}, 'cursor')).toBe('ask');
    expect(mode(p, 'github', 'x', {}, 'cursor')).toBe('ask');
    expect(mode(p, 'files', 'read_file', {}, 'claude-code')).toBe('allow');
  });

  it('splits server and tool at the longest configured server name', () => {
    expect(splitBody('my_server__tool', SERVERS)).toEqual({ server: 'my_server', tool: 'tool' });
    expect(splitBody('my__server__tool', SERVERS)).toEqual({ server: 'my', tool: 'server__tool' });
    expect(splitBody('unknown__a__b', SERVERS)).toEqual({ server: 'unknown', tool: 'a__b' });
    expect(splitBody('files', SERVERS)).toEqual({ server: 'files', tool: undefined });
  });

  it('client conditions: a glob with ":", an exact name with "="', () => {
    const p = policy({ deny: ['mcp__shell(client:claude-*)', 'mcp__files(client=cur*)'] });
    expect(mode(p, 'shell', 'run', {}, 'claude-desktop')).toBe('deny');
    expect(mode(p, 'shell', 'run', {}, 'cursor')).toBe('allow');
    expect(mode(p, 'files', 'read', {}, 'cursor')).toBe('allow');
    expect(mode(p, 'files', 'read', {}, 'cur*')).toBe('deny');
  });

  it('exact values: strings as written, numbers and booleans as JSON', () => {
    const p = policy({ deny: ['mcp__github__create_issue(repo=acme/web)', 'mcp__shell__run(force=true)', 'mcp__files__head(lines=10)'] });
    expect(mode(p, 'github', 'create_issue', { repo: 'acme/web' })).toBe('deny');
    expect(mode(p, 'github', 'create_issue', { repo: 'acme/web2' })).toBe('allow');
    expect(mode(p, 'shell', 'run', { force: true })).toBe('deny');
    expect(mode(p, 'shell', 'run', { force: 'true' })).toBe('deny');
    expect(mode(p, 'shell', 'run', { force: false })).toBe('allow');
    expect(mode(p, 'files', 'head', { lines: 10 })).toBe('deny');
    expect(mode(p, 'files', 'head', {})).toBe('allow');
  });

  it('value globs, dotted keys, quoted values and several conditions (all must hold)', () => {
    const p = policy({
      deny: ['mcp__github__fetch(url:https://*.evil.example/*)', 'mcp__files__write(options.mode=overwrite)', 'mcp__shell__run(command:"rm -rf, then")', 'mcp__files__copy(client:cursor, to:/etc/**)'],
    });
    expect(mode(p, 'github', 'fetch', { url: 'https://api.evil.example/x/y' })).toBe('deny');
    expect(mode(p, 'github', 'fetch', { url: 'https://api.good.example/x' })).toBe('allow');
    expect(mode(p, 'files', 'write', { options: { mode: 'overwrite' } })).toBe('deny');
    expect(mode(p, 'files', 'write', { options: { mode: 'append' } })).toBe('allow');
    expect(mode(p, 'shell', 'run', { command: 'rm -rf, then' })).toBe('deny');
    expect(mode(p, 'files', 'copy', { to: '/etc/passwd' }, 'cursor')).toBe('deny');
    expect(mode(p, 'files', 'copy', { to: '/etc/passwd' }, 'vscode')).toBe('allow');
    expect(mode(p, 'files', 'copy', { to: '/tmp/x' }, 'cursor')).toBe('allow');
  });

  it('rejects rules it cannot read, and ignores Claude Code rules for its own tools', () => {
    expect(parseRule('Bash(npm test)')).toMatchObject({ ok: false, ignored: true });
    expect(parseRule('mcp__files__write(path)')).toMatchObject({ ok: false, ignored: false });
    expect(parseRule('mcp__files__write(path:/a')).toMatchObject({ ok: false, ignored: false });
    expect(parseRule('mcp__files()')).toMatchObject({ ok: false, ignored: false });
    expect(parseRule('mcp__files__write(path:"/a)')).toMatchObject({ ok: false, ignored: false });
    expect(parseRule('mcp__fi les')).toMatchObject({ ok: false, ignored: false });
  });
});

describe('evaluation order', () => {
  it('deny beats ask beats allow, whatever order the lists are written in', () => {
    const p = policy({ allow: ['mcp__files', 'mcp__github__create_issue'], ask: ['mcp__files__write_file', 'mcp__github'], deny: ['mcp__files__write_file(path:~/.ssh/**)'] });
    expect(mode(p, 'files', 'read_file')).toBe('allow');
    expect(mode(p, 'files', 'write_file', { path: '~/notes.txt' })).toBe('ask');
    expect(mode(p, 'files', 'write_file', { path: '~/.ssh/authorized_keys' })).toBe('deny');
    expect(mode(p, 'github', 'create_issue')).toBe('ask');
  });

  it('reports the first matching rule, and the default mode for tools no rule names', () => {
    const p = policy({ deny: ['mcp__shell__run', 'mcp__shell'] }, { defaultMode: 'ask', serverModes: { github: 'deny' } });
    expect(p.decide('default', 'shell', 'run', {})).toMatchObject({ mode: 'deny', rule: 'mcp__shell__run', origin: 'config.json', fromDefault: false });
    expect(p.decide('default', 'files', 'read', {})).toMatchObject({ mode: 'ask', rule: 'defaultMode', fromDefault: true });
    expect(p.decide('default', 'github', 'x', {})).toMatchObject({ mode: 'deny', rule: 'servers.github.defaultMode', fromDefault: true });
  });

  it('a server-wide default deny with an allow rule keeps the allowed tools only', () => {
    const p = policy({ allow: ['mcp__github__get_*'] }, { serverModes: { github: 'deny' } });
    expect(mode(p, 'github', 'get_issue')).toBe('allow');
    expect(mode(p, 'github', 'delete_repo')).toBe('deny');
    expect(p.alwaysDenied('default', 'github', 'delete_repo')).toBeDefined();
    expect(p.alwaysDenied('default', 'github', 'get_issue')).toBeUndefined();
  });

  it('a tool denied only for some arguments stays listed; one denied for all is left out', () => {
    const p = policy({ deny: ['mcp__files__write_file(path:/etc/**)', 'mcp__shell(client:cursor)'] });
    expect(p.alwaysDenied('cursor', 'files', 'write_file')).toBeUndefined();
    expect(p.alwaysDenied('cursor', 'shell', 'run')).toMatchObject({ rule: 'mcp__shell(client:cursor)' });
    expect(p.alwaysDenied('vscode', 'shell', 'run')).toBeUndefined();
  });

  it('fails closed: a policy marked fatal denies every call', () => {
    const p = policy({ allow: ['mcp__files'] }, { fatal: 'config.json:3: invalid JSON' });
    expect(p.decide('default', 'files', 'read', {})).toMatchObject({ mode: 'deny' });
  });

  it('the version changes with the rules and is stable otherwise', () => {
    expect(policy({ deny: ['mcp__a'] }).version).toBe(policy({ deny: ['mcp__a'] }).version);
    expect(policy({ deny: ['mcp__a'] }).version).not.toBe(policy({ deny: ['mcp__b'] }).version);
    expect(policy({ deny: ['mcp__a'] }).version).not.toBe(policy({ ask: ['mcp__a'] }).version);
  });
});

describe('path globs on arguments', () => {
  const p = policy({ allow: ['mcp__files__write_file(path:~/projects/**)'], deny: ['mcp__files__write_file(path:~/.ssh/**)', 'mcp__files__read_file(path:/srv/data/**)'] }, { serverModes: { files: 'ask' } });
  const write = (path: unknown) => mode(p, 'files', 'write_file', { path });

  it('expands ~ and takes relative paths from the project root', () => {
    expect(write('~/projects/site/index.html')).toBe('allow');
    expect(write('/home/ada/projects/x')).toBe('allow');
    expect(write('src/app.ts')).toBe('allow'); // /home/ada/projects/site/src/app.ts
    expect(write('~/.ssh/id_ed25519')).toBe('deny');
    expect(write('/home/ada/.ssh')).toBe('deny');
  });

  it('collapses .. and . before matching, so an allowed prefix cannot climb out', () => {
    expect(write('~/projects/../.ssh/id_rsa')).toBe('deny');
    expect(write('/home/ada/projects/site/../../.ssh/config')).toBe('deny');
    expect(write('../../.ssh/authorized_keys')).toBe('deny'); // from the project root
    expect(write('~/projects/./a//b')).toBe('allow');
    expect(write('~/projects/../Documents/x')).toBe('ask');
  });

  it('never lets a sibling with the same prefix match a directory glob', () => {
    expect(write('/home/ada/projects-evil/x')).toBe('ask');
    expect(write('/home/ada/projects')).toBe('allow');
    expect(mode(p, 'files', 'read_file', { path: '/srv/data-backup/secrets' })).toBe('ask'); // files' default, not the deny
    expect(mode(p, 'files', 'read_file', { path: '/srv/data' })).toBe('deny');
    expect(mode(p, 'files', 'read_file', { path: '/srv/data/a/b' })).toBe('deny');
  });

  it('reads file:// URLs as paths and refuses what is not a path', () => {
    expect(write('file:///home/ada/.ssh/id_rsa')).toBe('deny');
    expect(write(42)).toBe('ask');
    expect(write({ path: '~/projects/x' })).toBe('ask');
  });

  it('arrays: any element triggers deny, every element must match an allow', () => {
    const q = policy({ allow: ['mcp__files__read_multiple(paths:~/projects/**)'], deny: ['mcp__files__read_multiple(paths:~/.ssh/**)'] }, { serverModes: { files: 'ask' } });
    expect(mode(q, 'files', 'read_multiple', { paths: ['~/projects/a', '~/projects/b'] })).toBe('allow');
    expect(mode(q, 'files', 'read_multiple', { paths: ['~/projects/a', '~/Documents/b'] })).toBe('ask');
    expect(mode(q, 'files', 'read_multiple', { paths: ['~/projects/a', '~/.ssh/id_rsa'] })).toBe('deny');
    expect(mode(q, 'files', 'read_multiple', { paths: [] })).toBe('ask');
  });

  it('* stays within one segment, ** spans any number', () => {
    const q = policy({ deny: ['mcp__files__write_file(path:/data/*/secret.txt)', 'mcp__files__write_file(path:/logs/**/*.key)'] });
    expect(mode(q, 'files', 'write_file', { path: '/data/a/secret.txt' })).toBe('deny');
    expect(mode(q, 'files', 'write_file', { path: '/data/a/b/secret.txt' })).toBe('allow');
    expect(mode(q, 'files', 'write_file', { path: '/logs/x.key' })).toBe('deny');
    expect(mode(q, 'files', 'write_file', { path: '/logs/a/b/c.key' })).toBe('deny');
    expect(mode(q, 'files', 'write_file', { path: '/logs/a/b/c.keys' })).toBe('allow');
  });
});
