/**
 * The per-server settings overlay: the `servers` section of Patchbay's config.json, merged into
 * each server's `patchbay` options when the registry is loaded. Config.json wins key by key; a
 * project's .mcp.json can only tighten (disabled: true, allowTools, denyTools), never loosen.
 */
import { readFileSync, statSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { patchbayConfigPath, updatePatchbayConfig } from '../../src/config/patchbay-config.js';
import { loadRegistry, resolveServers } from '../../src/config/registry.js';
import { entrySettingsKey, mergeServerSettings, updateServerSettings } from '../../src/config/server-settings.js';
import { PatchbayError } from '../../src/errors.js';
import { freshHome, type TestHome } from './home.js';

let t: TestHome;
beforeEach(() => {
  t = freshHome();
});

const server = (patchbay?: Record<string, unknown>) => ({ type: 'stdio', command: 'node', args: ['s.js'], env: {}, ...(patchbay ? { patchbay } : {}) });

describe('updateServerSettings', () => {
  it('writes config.json "servers" (0600), merges patches, removes keys set to undefined and empty servers', async () => {
    expect(await updateServerSettings('gh', { denyTools: ['delete_repo'] })).toEqual({ denyTools: ['delete_repo'] });
    expect(statSync(patchbayConfigPath()).mode & 0o777).toBe(0o600);
    await updatePatchbayConfig((data) => ({ changed: true, result: (data.proxy = { keep: true }) }));
    expect(await updateServerSettings('gh', { timeoutMs: 5000 })).toEqual({ denyTools: ['delete_repo'], timeoutMs: 5000 });
    let data = JSON.parse(readFileSync(patchbayConfigPath(), 'utf8'));
    expect(data).toEqual({ servers: { gh: { denyTools: ['delete_repo'], timeoutMs: 5000 } }, proxy: { keep: true } });
    await updateServerSettings('gh', { denyTools: undefined, timeoutMs: undefined });
    data = JSON.parse(readFileSync(patchbayConfigPath(), 'utf8'));
    expect(data).toEqual({ proxy: { keep: true } });
  });

  it('refuses an invalid setting and writes nothing', async () => {
    const error = await updateServerSettings('gh', { timeoutMs: -1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PatchbayError);
    expect((error as PatchbayError).message).toContain('settings for "gh": "timeoutMs" must be a positive number of milliseconds');
  });
});

describe('the merge at registry load', () => {
  it('config.json wins over the entry\'s own patchbay key, key by key, in every scope', async () => {
    t.write(t.claudeJson, { mcpServers: { gh: server({ denyTools: ['a'], prefix: 'g' }) } });
    await updateServerSettings('gh', { denyTools: ['b'], disabled: true });
    const registry = await loadRegistry({ cwd: t.project });
    const [gh] = resolveServers(registry);
    expect(gh!.entry.patchbay).toEqual({ denyTools: ['b'], prefix: 'g', disabled: true });
    expect(gh!.settings).toEqual({ denyTools: ['b'], disabled: true });
    // The entry as written in the host file is not touched.
    expect(JSON.parse(readFileSync(t.claudeJson, 'utf8')).mcpServers.gh.patchbay).toEqual({ denyTools: ['a'], prefix: 'g' });
  });

  it("a project's .mcp.json may only tighten: disabled: true, allowTools and denyTools; every other key is dropped", () => {
    const own = { disabled: false, allowTools: ['read'], denyTools: ['write'], prefix: 'github', timeoutMs: 999_999 };
    expect(mergeServerSettings({ scope: 'project', entry: server(own) as never }, undefined)).toEqual({ allowTools: ['read'], denyTools: ['write'] });
    expect(mergeServerSettings({ scope: 'project', entry: server({ disabled: true }) as never }, undefined)).toEqual({ disabled: true });
    // The same keys from the user's own files are honoured as written.
    expect(mergeServerSettings({ scope: 'local', entry: server(own) as never }, undefined)).toEqual(own);
    // And config.json still wins over a project entry.
    expect(mergeServerSettings({ scope: 'project', entry: server({ denyTools: ['write'] }) as never }, { denyTools: [], prefix: '' })).toEqual({ denyTools: [], prefix: '' });
  });

  it("one entry's settings (<name>@<scope>[:<project>]) reach that entry only, and win over the name's", async () => {
    const other = `${t.project}-other`;
    t.write(t.claudeJson, { mcpServers: { gh: server() }, projects: { [t.project]: { mcpServers: { fs: server() } }, [other]: { mcpServers: { fs: server() } } } });
    await updateServerSettings('gh', { sandbox: false, denyTools: ['x'] });
    await updateServerSettings(entrySettingsKey('gh', 'user', t.project), { sandbox: true });
    await updateServerSettings(entrySettingsKey('fs', 'local', t.project), { sandbox: { network: { allow: ['api.github.com'] } } });
    expect(entrySettingsKey('fs', 'local', t.project)).toBe(`fs@local:${t.project}`);
    const here = resolveServers(await loadRegistry({ cwd: t.project }));
    expect(Object.fromEntries(here.map((s) => [s.name, s.entry.patchbay]))).toEqual({ fs: { sandbox: { network: { allow: ['api.github.com'] } } }, gh: { sandbox: true, denyTools: ['x'] } });
    const there = resolveServers(await loadRegistry({ cwd: other }));
    expect(there.find((s) => s.name === 'fs')!.entry.patchbay).toBeUndefined();
  });

  it('a broken config.json or setting is a problem to report, and the servers still load', async () => {
    t.write(t.claudeJson, { mcpServers: { gh: server() } });
    t.write(patchbayConfigPath(), { servers: { gh: { allowtools: ['x'] } } });
    let registry = await loadRegistry({ cwd: t.project });
    expect(resolveServers(registry).map((s) => s.name)).toEqual(['gh']);
    expect(registry.problems).toMatchObject([{ file: patchbayConfigPath(), server: 'gh', message: expect.stringContaining('unknown key(s) "allowtools"') }]);
    t.write(patchbayConfigPath(), '{"servers": ');
    registry = await loadRegistry({ cwd: t.project });
    expect(resolveServers(registry)).toHaveLength(1);
    expect(registry.problems[0]!.message).toContain('per-server settings are ignored until it is fixed');
  });
});
