/**
 * Roots from the client: a real SDK v2 client answers roots/list and later announces a change;
 * the files server follows both. With --root set, client roots may only narrow it.
 */
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { describe, expect, it } from 'vitest';
import { PATCHBAY_BIN } from '../../helpers/cli.js';
import { call, tempTree } from './helpers.js';

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met');
}

async function withRoots(args: string[], first: string[]) {
  let roots = first;
  const client = new Client({ name: 'roots-host', version: '1' }, { capabilities: { roots: { listChanged: true } } });
  client.setRequestHandler('roots/list', async () => ({ roots: roots.map((r) => ({ uri: pathToFileURL(r).href, name: r })) }));
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [PATCHBAY_BIN, 'server', 'files', ...args], env: { ...(process.env as Record<string, string>) }, stderr: 'pipe' }));
  return { client, change: async (next: string[]) => ((roots = next), await client.sendRootsListChanged()) };
}

describe('roots from the client', () => {
  it('are asked after initialize and again on roots/list_changed', { timeout: 60_000 }, async () => {
    const a = tempTree({ 'a.txt': 'A' });
    const b = tempTree({ 'b.txt': 'B' });
    const { client, change } = await withRoots([], [a]);
    try {
      await until(async () => (await call(client, 'list_roots', {})).text === a);
      expect((await call(client, 'read_file', { path: `${a}/a.txt`, lineNumbers: false })).text).toBe('A');
      expect((await call(client, 'read_file', { path: `${b}/b.txt` })).text).toMatch(/outside the roots/);
      await change([b]);
      await until(async () => (await call(client, 'list_roots', {})).text === b);
      expect((await call(client, 'read_file', { path: `${b}/b.txt`, lineNumbers: false })).text).toBe('B');
      expect((await call(client, 'read_file', { path: `${a}/a.txt` })).isError).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('narrow --root but never widen it', { timeout: 60_000 }, async () => {
    const entry = tempTree({ 'sub/x.txt': 'X', 'y.txt': 'Y' });
    const other = tempTree({ 'z.txt': 'Z' });
    const { client } = await withRoots(['--root', entry], [`${entry}/sub`, other]);
    try {
      await until(async () => (await call(client, 'list_roots', {})).text === `${entry}/sub`);
      expect((await call(client, 'read_file', { path: `${other}/z.txt` })).isError).toBe(true);
      expect((await call(client, 'read_file', { path: `${entry}/y.txt` })).isError).toBe(true);
    } finally {
      await client.close();
    }
  });
});
