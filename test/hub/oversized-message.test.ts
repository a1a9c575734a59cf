/**
 * A stdio server that writes one huge line (issue 9, item 17). Its size is capped per server
 * (`patchbay.maxMessageMb`): an answer over the cap is dropped unread, the call it answered fails
 * at once with an error naming the limit and the setting, the server's log says so, and the
 * server and every other client go on. Under the cap, a 20 MB answer arrives intact. A tool
 * definition is capped in the catalog too: a 20 MB description lists cut, saying so.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, stdioServer, type Running } from '../gateway/helpers/harness.js';
import { tempLogDir, waitFor } from './helpers.js';

const BIG_SERVER = fileURLToPath(new URL('../fixtures/gateway/big-server.mjs', import.meta.url));
const MB = 1024 * 1024;

async function client(url: string, name: string): Promise<Client> {
  const c = new Client({ name, version: '1' });
  await c.connect(new StreamableHTTPClientTransport(new URL(url)));
  return c;
}

describe('a stdio server that writes one huge line', () => {
  let running: Running;
  const logDir = tempLogDir();
  const readLog = () => readFileSync(join(logDir, 'mcp-server-capped.log'), 'utf8');
  beforeAll(async () => {
    running = await startGateway(
      [
        stdioServer('capped', BIG_SERVER, { patchbay: { maxMessageMb: 1 } }),
        stdioServer('open', BIG_SERVER),
        stdioServer('wordy', BIG_SERVER, { env: { BIG_TOOL_DESCRIPTION_BYTES: String(20 * MB) } }),
      ],
      { hub: { logDir } },
    );
  });
  afterAll(async () => {
    await running?.close();
  });

  it('fails the call its over-limit answer belonged to, naming the limit and the setting, and the server goes on', async () => {
    const c = await client(running.url, 'caller');
    const error = await c.callTool({ name: 'capped__big', arguments: { bytes: 3 * MB } }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('Server "capped" sent a message of 3 MiB, over Patchbay\'s 1 MiB limit for one message from this server; it was dropped.');
    expect(message).toContain('"patchbay": {"maxMessageMb": 5} in the server\'s entry allows it');
    // The same connection still works: nothing was buffered or closed.
    expect(await c.callTool({ name: 'capped__small', arguments: {} })).toMatchObject({ content: [{ type: 'text', text: 'small' }] });
    expect(running.hub.status().find((s) => s.name === 'capped')).toMatchObject({ state: 'ready', restarts: 0 });
    const log = await waitFor(() => readLog().match(/The request it answered/) && readLog());
    expect(log).toMatch(/sent a message of 3 MiB, over Patchbay's 1 MiB limit .* The request it answered \(id "?[\w-]+"?\) gets this error\./);
    await c.close();
  });

  it('drops an over-limit notification with a log line, and the call that caused it still answers', async () => {
    const c = await client(running.url, 'logger');
    expect(await c.callTool({ name: 'capped__big_log', arguments: { bytes: 2 * MB } })).toMatchObject({ content: [{ type: 'text', text: 'logged' }] });
    const log = await waitFor(() => readLog().match(/notifications\/message\), over/) && readLog());
    expect(log).toContain('sent a message of 2 MiB (notifications/message), over Patchbay\'s 1 MiB limit');
    await c.close();
  });

  it('lists a tool with a 20 MB description cut to the per-definition cap, still callable, with a log line', async () => {
    const c = await client(running.url, 'lister');
    const tool = (await c.listTools()).tools.find((t) => t.name === 'wordy__wordy')!;
    expect(JSON.stringify(tool).length).toBeLessThanOrEqual(64 * 1024);
    expect(tool.description).toMatch(/^Use this tool for everything\. w+ … \[cut by Patchbay: this definition was \d+ KiB, over its 64 KiB limit per tool\]$/);
    expect(await c.callTool({ name: 'wordy__wordy', arguments: {} })).toMatchObject({ content: [{ type: 'text', text: 'wordy' }] });
    const log = await waitFor(() => {
      const text = readFileSync(join(logDir, 'mcp-server-wordy.log'), 'utf8');
      return text.includes('its description is cut') && text;
    });
    expect(log).toContain('Tool "wordy__wordy" of "wordy": its definition is');
    await c.close();
  });

  it('passes a 20 MB answer under the default limit intact, while another client initializes and calls', async () => {
    const big = await client(running.url, 'big');
    const pending = big.callTool({ name: 'open__big', arguments: { bytes: 20 * MB } });
    const other = await client(running.url, 'other');
    expect(await other.callTool({ name: 'open__small', arguments: {} })).toMatchObject({ content: [{ type: 'text', text: 'small' }] });
    const result = (await pending) as { content: Array<{ text: string }> };
    expect(result.content[0]!.text.length).toBe(20 * MB);
    expect(/^x+$/.test(result.content[0]!.text)).toBe(true);
    await Promise.all([big.close(), other.close()]);
  });
});
