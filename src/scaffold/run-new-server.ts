/**
 * `patchbay new server NAME [--transport stdio|http|both] [--dir DIR] [--add [-s SCOPE]]`:
 * writes the project, and with --add registers it exactly as `patchbay mcp add` would (the same
 * function, in the scope the user picks; `local` by default, like `mcp add`).
 */
import { resolve } from 'node:path';
import { PatchbayError } from '../errors.js';
import type { Transport } from './project-info.js';
import { pinnedVersions } from './versions.js';
import { writeProject } from './write-project.js';

export interface NewServerOptions {
  name: string;
  transport: string;
  dir?: string;
  add?: boolean;
  scope?: string;
  cwd?: string;
}

const HTTP_PORT = 3000;

export async function runNewServer(options: NewServerOptions): Promise<void> {
  const { name } = options;
  // An npm package name that is also a server name (`mcp add` accepts letters, digits, - and _).
  if (!/^[a-z][a-z0-9-]{0,49}$/.test(name)) {
    throw new PatchbayError('USAGE', `"${name}" cannot name a server project`, { hint: 'Use lower-case letters, digits and -, starting with a letter (e.g. weather-tools).' });
  }
  if (!['stdio', 'http', 'both'].includes(options.transport)) throw new PatchbayError('USAGE', `--transport must be stdio, http or both, not "${options.transport}"`);
  const transport = options.transport as Transport;
  const cwd = options.cwd ?? process.cwd();
  const dir = resolve(cwd, options.dir ?? name);
  const files = await writeProject(dir, {
    name,
    version: '0.1.0',
    description: `${name}: an MCP server`,
    transport,
    httpPort: HTTP_PORT,
    versions: pinnedVersions(),
  });
  process.stdout.write(`Created ${dir} (${files.length} files): an MCP server on @modelcontextprotocol/server, ${transport === 'both' ? 'stdio and Streamable HTTP' : transport}.\n`);
  if (options.add) {
    const { runAdd } = await import('../cli/mcp/add.js');
    const tokens = transport === 'http' ? [name, `http://127.0.0.1:${HTTP_PORT}/mcp`] : [name, 'node', resolve(dir, 'dist/src/stdio.js')];
    await runAdd({ tokens, flags: { scope: options.scope, env: [], header: [], ...(transport === 'http' ? { transport: 'http' } : {}) }, cwd });
  } else if (options.scope !== undefined) {
    throw new PatchbayError('USAGE', '--scope goes with --add');
  }
  process.stdout.write(`Next:\n  cd ${dir}\n  npm install\n  npm test\n  npm run conformance   # Node 22+\n`);
  if (transport === 'http' && options.add) process.stdout.write(`  npm start             # the entry points at http://127.0.0.1:${HTTP_PORT}/mcp\n`);
}
