/**
 * The files server as a host runs it: `patchbay server files` (dist/) as a child process, called
 * by an SDK v2 client over stdio, with the temporary HOME of test/setup-home.ts.
 */
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { PATCHBAY_BIN } from '../../helpers/cli.js';

export async function startServer(name: 'files' | 'web', args: string[], clientOptions: Record<string, unknown> = {}): Promise<Client> {
  const client = new Client({ name: 'files-test', version: '1.0.0' }, clientOptions as never);
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [PATCHBAY_BIN, 'server', name, ...args], env: { ...(process.env as Record<string, string>) }, stderr: 'pipe' }));
  return client;
}

export function tempTree(files: Record<string, string>, prefix = 'files-root-'): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

export const text = (r: unknown): string => ((r as { content?: Array<{ text?: string }> }).content ?? []).map((c) => c.text ?? '').join('\n');

export async function call(client: Client, name: string, args: Record<string, unknown>) {
  const r = await client.callTool({ name, arguments: args });
  return { ...r, text: text(r), isError: r.isError === true };
}
