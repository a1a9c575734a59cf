/**
 * `patchbay server shell` as users run it: the real CLI (dist/) as an ordinary stdio entry behind
 * the real hub and gateway, called by SDK v2 clients over Streamable HTTP in both protocol eras.
 * The server lives as long as the hub, so a process started by one client is read by another.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATCHBAY_BIN } from '../../helpers/cli.js';
import { startGateway, stdioServer, type Running } from '../../gateway/helpers/harness.js';
import { tempDir } from './helpers.js';

const TOKEN = 'pb_shell_hub';
let running: Running;
let root: string;

beforeAll(async () => {
  root = tempDir('pb-shell-hub-');
  running = await startGateway([stdioServer('shell', PATCHBAY_BIN, {}, ['server', 'shell', '--root', root, '--allow', 'echo:*', '--allow', 'cat'])], { token: TOKEN });
}, 60_000);
afterAll(async () => running?.close());

async function client(name: string, era?: '2026-07-28'): Promise<Client> {
  const c = new Client({ name, version: '1' }, era ? { versionNegotiation: { mode: { pin: era } } } : {});
  await c.connect(new StreamableHTTPClientTransport(new URL(running.url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
  return c;
}

type Result = { content: Array<{ text?: string }>; isError?: boolean; structuredContent?: Record<string, unknown> };
const text = (r: unknown) => ((r as Result).content ?? []).map((c) => c.text ?? '').join('');

describe('the shell server behind the gateway', () => {
  it('runs an allowed command and refuses a bypass, for a 2025-era and a 2026-07-28 client', { timeout: 60_000 }, async () => {
    for (const era of [undefined, '2026-07-28'] as const) {
      const c = await client(`host-${era ?? 'legacy'}`, era);
      const tools = (await c.listTools()).tools.map((t) => t.name);
      expect(tools).toEqual(expect.arrayContaining(['shell__run_command', 'shell__start_process', 'shell__read_output', 'shell__write_input', 'shell__list_processes', 'shell__stop_process', 'shell__shell_settings']));
      const ok = (await c.callTool({ name: 'shell__run_command', arguments: { command: `echo "via hub" > hub-${era ?? 'legacy'}.txt && echo done` } })) as Result;
      expect(ok.isError, text(ok)).not.toBe(true);
      expect(ok.structuredContent).toMatchObject({ output: 'done\n', exitCode: 0 });
      expect(existsSync(join(root, `hub-${era ?? 'legacy'}.txt`))).toBe(true);
      const refused = (await c.callTool({ name: 'shell__run_command', arguments: { command: "echo a; m'o'unt" } })) as Result;
      expect(refused.isError).toBe(true);
      expect(text(refused)).toMatch(/refused: `mount` is not in the allow list/);
      await c.close();
    }
  });

  it('a process started by one client is read by another (one server per hub)', { timeout: 60_000 }, async () => {
    const a = await client('host-a');
    const b = await client('host-b', '2026-07-28');
    const started = (await a.callTool({ name: 'shell__start_process', arguments: { command: 'cat', wait_seconds: 0 } })) as Result;
    const id = started.structuredContent!.id as string;
    await a.callTool({ name: 'shell__write_input', arguments: { id, input: 'through the hub\n', close: true } });
    let seen = '';
    for (let i = 0; i < 20 && !seen.includes('through the hub'); i++) {
      const r = (await b.callTool({ name: 'shell__read_output', arguments: { id, wait_seconds: 5 } })) as Result;
      seen += (r.structuredContent?.output as string) ?? '';
    }
    expect(seen).toBe('through the hub\n');
    await Promise.all([a.close(), b.close()]);
  });
});
