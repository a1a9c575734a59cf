/** updateJsonFile and the scope writers: keys kept, backups once, modes kept, broken files refused. */
import { chmodSync, existsSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { PatchbayError } from '../../src/errors.js';
import { addServers, removeServer, resetProjectChoices } from '../../src/config/scopes.js';
import { backupDir } from '../../src/config/store/backup.js';
import { updateJsonFile } from '../../src/config/store/json-file.js';
import { freshHome, type TestHome } from './home.js';

let t: TestHome;
beforeEach(() => {
  t = freshHome();
});

const entry = { type: 'stdio' as const, command: 'node', args: ['s.js'], env: {} };

describe('writing host files', () => {
  it('changes only the one path; every other key keeps its value and order', async () => {
    const original = { z: 1, projects: { '/p': { allowedTools: ['Bash'], history: [{ display: 'x' }] } }, a: { nested: [1, 2, { deep: null }] }, mcpServers: { keep: entry } };
    t.write(t.claudeJson, original);
    await addServers('user', t.project, [{ name: 'new', entry }]);
    const after = JSON.parse(readFileSync(t.claudeJson, 'utf8'));
    expect(Object.keys(after)).toEqual(['z', 'projects', 'a', 'mcpServers']);
    expect({ ...after, mcpServers: undefined }).toEqual({ ...original, mcpServers: undefined });
    expect(after.mcpServers).toEqual({ keep: entry, new: entry });
  });

  it('backs a file up once, before the first change, with the original content (0600)', async () => {
    t.write(t.claudeJson, { original: true });
    const originalText = readFileSync(t.claudeJson, 'utf8');
    await addServers('user', t.project, [{ name: 'a', entry }]);
    await addServers('user', t.project, [{ name: 'b', entry }]);
    await removeServer('user', t.project, 'a');
    const backups = readdirSync(backupDir()).filter((n) => n.startsWith('.claude.json-'));
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(/^\.claude\.json-[0-9a-f]{8}\.backup\.\d+$/);
    expect(readFileSync(join(backupDir(), backups[0]!), 'utf8')).toBe(originalText);
    expect(statSync(join(backupDir(), backups[0]!)).mode & 0o777).toBe(0o600);
    // A file Patchbay creates has nothing to back up.
    await addServers('project', t.project, [{ name: 'p', entry }]);
    expect(readdirSync(backupDir()).filter((n) => n.startsWith('.mcp.json-'))).toEqual([]);
  });

  it("keeps the file's mode, and creates ~/.claude.json private", async () => {
    await addServers('local', t.project, [{ name: 'a', entry }]);
    expect(statSync(t.claudeJson).mode & 0o777).toBe(0o600);
    chmodSync(t.claudeJson, 0o640);
    await addServers('local', t.project, [{ name: 'b', entry }]);
    expect(statSync(t.claudeJson).mode & 0o777).toBe(0o640);
  });

  it('writes through a symlinked ~/.claude.json, leaving the link in place', async () => {
    const real = join(t.home, 'dotfiles', 'claude.json');
    t.write(real, { mine: 1 });
    symlinkSync(real, t.claudeJson);
    await addServers('user', t.project, [{ name: 'a', entry }]);
    expect(lstatSync(t.claudeJson).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(real, 'utf8'))).toEqual({ mine: 1, mcpServers: { a: entry } });
  });

  it('refuses to write a file with a syntax error, says where, and changes nothing', async () => {
    const broken = '{\n  "mcpServers": {\n    "a": 1\n    "b": 2\n  }\n}';
    t.write(t.claudeJson, broken);
    const error = await addServers('user', t.project, [{ name: 'c', entry }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PatchbayError);
    expect((error as PatchbayError).code).toBe('CONFIG_SYNTAX');
    expect((error as PatchbayError).message).toContain(`${t.claudeJson}:4:5: expected ',' or '}'`);
    expect((error as PatchbayError).message).toContain('    "b": 2');
    expect((error as PatchbayError).message).toContain('Nothing was changed.');
    expect(readFileSync(t.claudeJson, 'utf8')).toBe(broken);
    expect(existsSync(backupDir()) ? readdirSync(backupDir()) : []).toEqual([]);
  });

  it('refuses to overwrite a non-object where servers go', async () => {
    t.write(t.claudeJson, { projects: [] });
    const error = await addServers('local', t.project, [{ name: 'c', entry }]).catch((e: unknown) => e);
    expect((error as PatchbayError).code).toBe('CONFIG_INVALID');
    expect(JSON.parse(readFileSync(t.claudeJson, 'utf8'))).toEqual({ projects: [] });
  });

  it('an unchanged result leaves the file byte-for-byte as it was (no reformatting)', async () => {
    const text = '{"mcpServers":{"a":{"command":"x"}},"other":1}';
    t.write(t.claudeJson, text);
    expect(await removeServer('user', t.project, 'missing')).toBe(false);
    expect(await updateJsonFile(t.claudeJson, () => ({ changed: false, result: 'same' }))).toBe('same');
    expect(readFileSync(t.claudeJson, 'utf8')).toBe(text);
  });

  it('reset-project-choices removes only the approval keys, from both places', async () => {
    const settings = join(t.project, '.claude', 'settings.local.json');
    t.write(settings, { permissions: { allow: ['Bash(ls)'] }, enabledMcpjsonServers: ['a'], disabledMcpjsonServers: ['b'], enableAllProjectMcpServers: true });
    t.write(t.claudeJson, { projects: { [t.project]: { allowedTools: [], enabledMcpjsonServers: ['a'] } } });
    const changed = await resetProjectChoices(t.project);
    expect(changed.sort()).toEqual([t.claudeJson, settings].sort());
    expect(JSON.parse(readFileSync(settings, 'utf8'))).toEqual({ permissions: { allow: ['Bash(ls)'] } });
    expect(JSON.parse(readFileSync(t.claudeJson, 'utf8'))).toEqual({ projects: { [t.project]: { allowedTools: [] } } });
  });
});
