/**
 * The versions a new project pins: the ones this Patchbay is installed with (read from its own
 * node_modules), else the ranges in its package.json, else the ones it was released with. A new
 * server then starts on the SDK Patchbay's own tests run against — not on a stale 0.6.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PACKAGES = ['@modelcontextprotocol/server', '@modelcontextprotocol/node', '@modelcontextprotocol/client', '@modelcontextprotocol/conformance', 'zod', 'typescript', '@types/node'] as const;
const RELEASED: Record<(typeof PACKAGES)[number], string> = {
  '@modelcontextprotocol/server': '2.4.0',
  '@modelcontextprotocol/node': '2.1.2',
  '@modelcontextprotocol/client': '2.4.0',
  '@modelcontextprotocol/conformance': '0.1.16',
  zod: '4.6.7',
  typescript: '5.9.3',
  '@types/node': '20.19.0',
};

const root = fileURLToPath(new URL('../../', import.meta.url));

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export function pinnedVersions(): Record<string, string> {
  const own = readJson(`${root}package.json`) ?? {};
  const ranges = { ...(own.dependencies as Record<string, string>), ...(own.devDependencies as Record<string, string>) };
  const out: Record<string, string> = {};
  for (const name of PACKAGES) {
    const installed = readJson(`${root}node_modules/${name}/package.json`)?.version;
    out[name] = typeof installed === 'string' ? installed : (ranges[name]?.replace(/^[\^~]/, '') ?? RELEASED[name]);
  }
  return out;
}
