/** `patchbay server shell` in-process (real sandbox, real processes) behind a real SDK v2 client over the in-memory pair. */
import { mkdtempSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { setupShellServer } from '../../../src/servers/shell/cli.js';

export interface ToolResult {
  text: string;
  isError: boolean;
  data: Record<string, unknown> & { id?: string; output?: string; status?: string; next?: number; more?: boolean };
}

export function tempDir(prefix: string, base = tmpdir()): string {
  return realpathSync(mkdtempSync(join(base, prefix)));
}

export async function connectShell(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const setup = await setupShellServer(args, env);
  const [a, b] = InMemoryTransport.createLinkedPair();
  await setup.server.connect(b);
  const mcp = new Client({ name: 'shell-test', version: '1' });
  await mcp.connect(a);
  return {
    mcp,
    banner: setup.banner,
    async call(name: string, args: Record<string, unknown>): Promise<ToolResult> {
      const r = (await mcp.callTool({ name, arguments: args })) as { content: Array<{ text?: string }>; isError?: boolean; structuredContent?: ToolResult['data'] };
      return { text: r.content.map((c) => c.text ?? '').join(''), isError: r.isError === true, data: r.structuredContent ?? {} };
    },
    /** Reads until `pattern` shows up in what was read since this call (or the process ends). */
    async readUntil(id: string, pattern: RegExp): Promise<string> {
      let seen = '';
      for (let i = 0; i < 200; i++) {
        const r = await this.call('read_output', { id, wait_seconds: 5 });
        if (r.isError) throw new Error(r.text);
        seen += r.data.output ?? '';
        if (pattern.test(seen) || r.data.status === 'exited') return seen;
      }
      return seen;
    },
    close: async () => {
      await mcp.close();
      await setup.close();
    },
  };
}

/** Host processes whose command line contains every one of `parts` (read from /proc, never signalled). */
export async function hostProcesses(...parts: string[]): Promise<number[]> {
  const { readdir } = await import('node:fs/promises');
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    const args = cmdline.split('\0');
    if (parts.every((p) => args.includes(p))) found.push(Number(name));
  }
  return found;
}

export async function eventually(check: () => Promise<boolean>, tries = 300): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
