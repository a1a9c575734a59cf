/**
 * The built-in files, web and shell servers as a third-party client sees them: `mcp-inspector-cli`
 * (@modelcontextprotocol/inspector-cli, its own SDK) over stdio against `patchbay server …`.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PATCHBAY_BIN } from '../helpers/cli.js';
import { tempTree } from './files/helpers.js';

const require = createRequire(import.meta.url);
const INSPECTOR = join(dirname(require.resolve('@modelcontextprotocol/inspector-cli/package.json')), 'build', 'index.js');

function inspect(server: string[], method: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    // Its index.js looks for ../package.json relative to the working directory: run it from build/.
    execFile(process.execPath, [INSPECTOR, process.execPath, PATCHBAY_BIN, 'server', ...server, '--method', ...method], { cwd: dirname(INSPECTOR), env: process.env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${error.message}\n${stdout}\n${stderr}`));
      resolve(JSON.parse(stdout));
    });
  });
}

describe('mcp-inspector-cli over stdio', () => {
  const root = tempTree({ 'a.txt': 'hi\n', 'site/index.html': '<p>page</p>' });
  it('lists and calls the files tools', { timeout: 90_000 }, async () => {
    const listed = (await inspect(['files', '--root', root], ['tools/list'])) as { tools: Array<{ name: string }> };
    expect(listed.tools.map((t) => t.name)).toContain('edit_file');
    const read = await inspect(['files', '--root', root], ['tools/call', '--tool-name', 'read_file', '--tool-arg', 'path=a.txt']);
    expect(read).toEqual({ content: [{ type: 'text', text: '1\thi' }] });
    const refused = (await inspect(['files', '--root', root], ['tools/call', '--tool-name', 'read_file', '--tool-arg', 'path=../../etc/passwd'])) as { isError: boolean };
    expect(refused.isError).toBe(true);
  });

  it('reads the web server\'s MCP App view', { timeout: 90_000 }, async () => {
    const read = (await inspect(['web', '--root', join(root, 'site'), '--no-viewer'], ['resources/read', '--uri', 'ui://web/index.html'])) as { contents: Array<{ mimeType: string; text: string }> };
    expect(read.contents[0]).toMatchObject({ mimeType: 'text/html;profile=mcp-app', text: '<p>page</p>' });
  });

  it('runs an allowed shell command in the sandbox and refuses a disguised one', { timeout: 90_000 }, async () => {
    const shell = ['shell', '--root', root, '--allow', 'cat a.txt'];
    const ran = (await inspect(shell, ['tools/call', '--tool-name', 'run_command', '--tool-arg', 'command=cat a.txt'])) as { isError?: boolean; content: Array<{ text: string }> };
    expect(ran.isError).not.toBe(true);
    expect(ran.content.map((c) => c.text).join('\n')).toContain('hi');
    const refused = (await inspect(shell, ['tools/call', '--tool-name', 'run_command', '--tool-arg', "command=cat a.txt; m'o'unt"])) as { isError: boolean; content: Array<{ text: string }> };
    expect(refused.isError).toBe(true);
    expect(refused.content.map((c) => c.text).join('\n')).toMatch(/mount/);
  });
});
