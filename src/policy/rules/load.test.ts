/**
 * Loading rules from the real files: the user's config.json and the project's .claude/settings
 * files, in temporary directories.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzePolicy } from './analyze.js';
import { compileLoaded } from './holder.js';
import { loadPolicy } from './load.js';

function setup(user: unknown, project?: { shared?: unknown; local?: unknown }) {
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-policy-'));
  const root = join(dir, 'project');
  mkdirSync(join(root, '.claude'), { recursive: true });
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, typeof user === 'string' ? user : JSON.stringify(user, null, 2));
  if (project?.shared) writeFileSync(join(root, '.claude', 'settings.json'), JSON.stringify(project.shared, null, 2));
  if (project?.local) writeFileSync(join(root, '.claude', 'settings.local.json'), JSON.stringify(project.local, null, 2));
  return { configFile, root };
}

async function compiled(user: unknown, project?: { shared?: unknown; local?: unknown }) {
  const { configFile, root } = setup(user, project);
  const loaded = await loadPolicy({ projectRoot: root, configFile });
  return { loaded, policy: compileLoaded(loaded, { projectRoot: root, servers: ['files', 'github', 'shell'], home: '/home/ada' }) };
}

describe('loading permissions', () => {
  it('a project file may add deny and ask rules, and its allow rules are ignored', async () => {
    const { policy, loaded } = await compiled(
      { permissions: { allow: ['mcp__github'], deny: ['mcp__shell'] }, servers: { files: { defaultMode: 'ask' } } },
      { shared: { permissions: { allow: ['mcp__shell', 'mcp__files', 'Bash(npm test)'], deny: ['mcp__github__delete_repo'] } }, local: { permissions: { ask: ['mcp__github__create_issue'] } } },
    );
    // the project's allow does not loosen the user's deny, nor the user's ask default
    expect(policy.decide('default', 'shell', 'run', {}).mode).toBe('deny');
    expect(policy.decide('default', 'files', 'read', {}).mode).toBe('ask');
    // the project's deny and ask tighten the user's allow
    expect(policy.decide('default', 'github', 'delete_repo', {})).toMatchObject({ mode: 'deny', origin: expect.stringContaining('settings.json') });
    expect(policy.decide('default', 'github', 'create_issue', {})).toMatchObject({ mode: 'ask', origin: expect.stringContaining('settings.local.json') });
    expect(policy.decide('default', 'github', 'get_issue', {}).mode).toBe('allow');
    expect(loaded.input.problems.filter((p) => /is ignored by Patchbay/.test(p.message)).map((p) => p.rule)).toEqual(['mcp__shell', 'mcp__files']);
  });

  it('a deny rule that does not parse refuses everything, with the file and line', async () => {
    const { policy } = await compiled('{\n  "permissions": {\n    "allow": ["mcp__files"],\n    "deny": ["mcp__shell(command"]\n  }\n}\n');
    expect(policy.fatal).toMatch(/config\.json:4: deny rule "mcp__shell\(command"/);
    expect(policy.decide('default', 'files', 'read', {}).mode).toBe('deny');
  });

  it('invalid JSON in config.json refuses everything; an allow rule that does not parse only allows less', async () => {
    expect((await compiled('{ "permissions": { "deny": [ }')).policy.fatal).toMatch(/invalid JSON/);
    const { policy } = await compiled({ permissions: { allow: ['mcp__files__read(path'], ask: [] }, servers: { files: { defaultMode: 'deny' } } });
    expect(policy.fatal).toBeUndefined();
    expect(policy.problems.some((p) => p.level === 'error' && /allow rule/.test(p.message))).toBe(true);
    expect(policy.decide('default', 'files', 'read', {}).mode).toBe('deny');
  });

  it("Claude Code's own modes are not Patchbay's: defaultMode must be allow, ask or deny", async () => {
    const { policy } = await compiled({ permissions: { defaultMode: 'acceptEdits' } });
    expect(policy.fatal).toMatch(/defaultMode must be "allow", "ask" or "deny"/);
  });

  it('approval settings come from permissions.approvals', async () => {
    const { loaded } = await compiled({ permissions: { approvals: { timeoutSeconds: 5, keepSeconds: 60 } } });
    expect(loaded.approvals).toEqual({ timeoutMs: 5000, keepMs: 60_000, elicit: true });
    const { loaded: queueOnly } = await compiled({ permissions: { approvals: { elicit: false } } });
    expect(queueOnly.approvals.elicit).toBe(false);
  });

  it('doctor: rules that match nothing, and rules shadowed by earlier ones', async () => {
    const { policy } = await compiled({
      permissions: {
        deny: ['mcp__files', 'mcp__gitlab__x', 'mcp__shell(client:nobody)'],
        ask: ['mcp__files__write_file'],
        allow: ['mcp__github', 'mcp__github__get_issue', 'mcp__github__nope'],
      },
    });
    const findings = analyzePolicy(policy, { servers: ['files', 'github', 'shell'], tools: new Map([['github', ['get_issue', 'create_issue']]]), clients: ['cursor'] });
    const text = findings.map((f) => `${f.level}: ${f.message}`).join('\n');
    expect(text).toMatch(/warning: deny rule "mcp__gitlab__x".*not configured/);
    expect(text).toMatch(/warning: allow rule "mcp__github__nope".*no tool matching "nope"/);
    expect(text).toMatch(/warning: deny rule "mcp__shell\(client:nobody\)".*no client matches/);
    expect(text).toMatch(/warning: ask rule "mcp__files__write_file".*never takes effect: deny rule "mcp__files"/);
    expect(text).toMatch(/info: allow rule "mcp__github__get_issue".*redundant/);
    expect(text).not.toMatch(/"mcp__github" .*never/);
  });
});
