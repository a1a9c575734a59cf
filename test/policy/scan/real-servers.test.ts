/**
 * False positives on real servers: the official server-filesystem and server-everything, read
 * over stdio exactly as the hub reads them, must scan with nothing above info — together, so the
 * cross-server checks (look-alikes, shadowing) run over both as well.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ScopedServer } from '../../../src/config/types.js';
import { scanCatalog } from '../../../src/policy/scan/index.js';
import { listsOf } from '../fixture-servers.js';

const bin = (pkg: string) => fileURLToPath(new URL(`../../../node_modules/@modelcontextprotocol/${pkg}/dist/index.js`, import.meta.url));
const server = (name: string, args: string[]): ScopedServer => ({ name, scope: 'user', file: join(tmpdir(), '.claude.json'), entry: { command: process.execPath, args } });

describe('description scanning of real servers', () => {
  it('server-filesystem and server-everything scan clean (info at most)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'patchbay-scan-root-'));
    const servers = [
      { server: 'files', lists: await listsOf(server('files', [bin('server-filesystem'), root])) },
      { server: 'everything', lists: await listsOf(server('everything', [bin('server-everything'), 'stdio'])) },
    ];
    expect(servers[0]!.lists.tools.length).toBeGreaterThan(10);
    expect(servers[1]!.lists.tools.length).toBeGreaterThan(10);
    const loud = scanCatalog(servers).filter((f) => f.level !== 'info');
    expect(loud.map((f) => `${f.server}/${f.name} ${f.check} ${f.path}: ${f.message}`)).toEqual([]);
  });
});
