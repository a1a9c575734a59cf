import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPolicyHolder } from './holder.js';

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('the running policy', () => {
  it('picks up an edit of config.json without a restart, and keeps the last good rules when an edit is broken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchbay-holder-'));
    const configFile = join(dir, 'config.json');
    writeFileSync(configFile, JSON.stringify({ permissions: { deny: ['mcp__shell'] } }));
    const lines: string[] = [];
    const holder = await createPolicyHolder({ projectRoot: dir, servers: ['shell'], configFile, recheckMs: 0, log: (l) => lines.push(l) });
    const first = holder.current();
    expect(first.decide('default', 'shell', 'run', {}).mode).toBe('deny');

    writeFileSync(configFile, JSON.stringify({ permissions: { allow: ['mcp__shell'], defaultMode: 'deny' } }));
    await until(() => holder.current().version !== first.version);
    expect(holder.current().decide('default', 'shell', 'run', {}).mode).toBe('allow');
    expect(lines.some((l) => /permissions reloaded/.test(l))).toBe(true);

    const good = holder.current().version;
    writeFileSync(configFile, '{ "permissions": { "deny": [');
    await until(() => (holder.current(), lines.some((l) => /invalid; keeping the previous rules/.test(l))));
    expect(holder.current().version).toBe(good);
    expect(holder.current().decide('default', 'shell', 'run', {}).mode).toBe('allow');
  });
});
