import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { protectedPaths, protectionOf } from './protected-paths.js';

describe('protected paths', () => {
  const home = process.env.HOME!;
  const list = protectedPaths();
  it('covers credentials, profiles, host files and git hooks, including below them', () => {
    expect(protectionOf(join(home, '.ssh', 'id_rsa'), list)).toMatchObject({ reason: 'credentials', hidden: true });
    expect(protectionOf(join(home, '.bashrc'), list)).toMatchObject({ reason: 'runs-code' });
    expect(protectionOf(join(home, '.claude.json'), list)).toMatchObject({ reason: 'host-config' });
    expect(protectionOf('/work/project/.git/hooks/pre-commit', list)).toMatchObject({ reason: 'runs-code' });
    expect(protectionOf('/work/project/.git/config', list)).toMatchObject({ reason: 'runs-code' });
    expect(protectionOf('/work/project/.mcp.json', list)).toMatchObject({ reason: 'host-config', path: '/work/project/.mcp.json' });
    expect(protectionOf('/work/project/.claude/settings.local.json', list)).toMatchObject({ reason: 'host-config', path: '/work/project/.claude' });
  });
  it('does not cover siblings that only share a prefix', () => {
    expect(protectionOf(join(home, '.sshx', 'notes'), list)).toBeUndefined();
    expect(protectionOf(join(home, '.bashrc.d-notes'), list)).toBeUndefined();
    expect(protectionOf('/work/project/.git/objects/ab', list)).toBeUndefined();
    expect(protectionOf('/work/project/src/index.ts', list)).toBeUndefined();
    expect(protectionOf('/work/project/.mcp.json.bak', list)).toBeUndefined();
    expect(protectionOf('/work/project/docs/.claude-notes', list)).toBeUndefined();
  });
});
